// Dead letters: queue messages that exhausted their retries (queues/dead-letter.ts writes them), listed for admins
// and replayed to the queue they came from. Tenant admins read under their organisation's RLS; super admins also see
// the letters that belong to no tenant (webhooks): platform rows only the owner role reads, so theirs is a system
// read with the explicit scope.
import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { QUEUE_NAMES, queueMessage } from '../../queues/messages';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { deadLetters } from '../db/schema';
import { asSystem, withOrg, type Tx } from '../db/tx';
import type { Env } from '../env';
import { ApiError, notFound } from '../errors';
import { decodeCursor, page } from '../lib/cursor';
import type { deadLettersQuery } from '../schemas/dead-letters';

function scoped<T>(db: Db, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return actor.isSuperAdmin ? asSystem(db, fn) : withOrg(db, actor.orgId, fn);
}

/** Newest first, a page at a time (`{ data, nextCursor }`). */
export async function listDeadLetters(db: Db, actor: Actor, q: z.infer<typeof deadLettersQuery>) {
  const cursor = decodeCursor(q.cursor);
  const scope = actor.isSuperAdmin ? or(eq(deadLetters.organizationId, actor.orgId), isNull(deadLetters.organizationId)) : eq(deadLetters.organizationId, actor.orgId);
  const where: (SQL | undefined)[] = [
    scope,
    q.pending === 'true' ? isNull(deadLetters.replayedAt) : undefined,
    cursor ? or(lt(deadLetters.createdAt, cursor.createdAt), and(eq(deadLetters.createdAt, cursor.createdAt), lt(deadLetters.id, cursor.id))) : undefined,
  ];
  const rows = await scoped(db, actor, (tx) =>
    tx
      .select()
      .from(deadLetters)
      .where(and(...where))
      .orderBy(desc(deadLetters.createdAt), desc(deadLetters.id))
      .limit(q.limit + 1),
  );
  return page(rows, q.limit);
}

/**
 * Sends the letter's message back to the queue it came from and marks it replayed (audited). Another tenant's letter
 * is a 404; one whose body is no queue message we know is a 422.
 */
export async function replayDeadLetter(env: Env, db: Db, actor: Actor, id: string): Promise<void> {
  const [row] = await scoped(db, actor, (tx) => tx.select().from(deadLetters).where(eq(deadLetters.id, id)));
  const mine = row && (row.organizationId === actor.orgId || (row.organizationId === null && actor.isSuperAdmin));
  if (!row || !mine) throw notFound('Dead letter');
  const parsed = queueMessage.safeParse(row.body);
  if (!parsed.success) throw new ApiError(422, 'not_replayable', 'This message has no recognised shape; it cannot be replayed');
  // Back where it came from: outbound work (sends, reactions, wamids to record, realtime retries), media or ingest.
  const outbound = parsed.data.type.startsWith('outbound.') || parsed.data.type === 'realtime.notify' || parsed.data.type === 'auth.password_reset';
  const media = parsed.data.type === 'media.fetch';
  const queue = outbound ? env.OUTBOUND_QUEUE : media ? env.MEDIA_QUEUE : env.INGEST_QUEUE;
  await queue.send(parsed.data, { contentType: 'json' });
  await scoped(db, actor, (tx) => tx.update(deadLetters).set({ replayedAt: new Date() }).where(eq(deadLetters.id, id)));
  await recordAudit(db, {
    action: 'dead_letter.replayed',
    ...byActor(actor),
    targetType: 'dead_letter',
    targetId: id,
    metadata: { queue: outbound ? QUEUE_NAMES.outbound : media ? QUEUE_NAMES.media : QUEUE_NAMES.ingest },
  });
}
