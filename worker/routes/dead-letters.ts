// /api/v1/admin/dead-letters: queue messages that exhausted their retries; an admin can look and replay.
// Tenant admins see their organisation's; super admins also see those that belong to no tenant (webhooks).
import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { QUEUE_NAMES, queueMessage } from '../../queues/messages';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { deadLetters } from '../db/schema';
import { asSystem, withOrg, type Tx } from '../db/tx';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../errors';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { validate } from '../middleware/validate';

const listQuery = z.object({ cursor: z.string().max(200).optional(), limit: limitParam, pending: z.enum(['true', 'false']).optional() });

/**
 * Tenant admins read under their organisation's RLS. Super admins also see the letters that belong to no tenant
 * (webhooks): platform rows that only the owner role reads, so theirs is a system read with the explicit scope.
 */
function scoped<T>(c: Context<AppEnv>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const actor = c.var.actor;
  return actor.isSuperAdmin ? asSystem(c.var.db, fn) : withOrg(c.var.db, actor.orgId, fn);
}

export function registerDeadLetters(app: Hono<AppEnv>) {
  app.get('/api/v1/admin/dead-letters', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'dead_letters.manage');
    const q = c.req.valid('query');
    const cursor = decodeCursor(q.cursor);
    const scope = actor.isSuperAdmin
      ? or(eq(deadLetters.organizationId, actor.orgId), isNull(deadLetters.organizationId))
      : eq(deadLetters.organizationId, actor.orgId);
    const where: (SQL | undefined)[] = [
      scope,
      q.pending === 'true' ? isNull(deadLetters.replayedAt) : undefined,
      cursor ? or(lt(deadLetters.createdAt, cursor.createdAt), and(eq(deadLetters.createdAt, cursor.createdAt), lt(deadLetters.id, cursor.id))) : undefined,
    ];
    const rows = await scoped(c, (tx) =>
      tx
        .select()
        .from(deadLetters)
        .where(and(...where))
        .orderBy(desc(deadLetters.createdAt), desc(deadLetters.id))
        .limit(q.limit + 1),
    );
    return c.json(page(rows, q.limit));
  });

  app.post('/api/v1/admin/dead-letters/:id/replay', validate('param', z.object({ id: z.uuid() })), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'dead_letters.manage');
    const { id } = c.req.valid('param');
    const [row] = await scoped(c, (tx) => tx.select().from(deadLetters).where(eq(deadLetters.id, id)));
    const mine = row && (row.organizationId === actor.orgId || (row.organizationId === null && actor.isSuperAdmin));
    if (!row || !mine) throw notFound('Dead letter');
    const parsed = queueMessage.safeParse(row.body);
    if (!parsed.success) throw new ApiError(422, 'not_replayable', 'This message has no recognised shape; it cannot be replayed');
    // Back where it came from: outbound work (sends, reactions, wamids to record, realtime retries), media or ingest.
    const outbound = parsed.data.type.startsWith('outbound.') || parsed.data.type === 'realtime.notify' || parsed.data.type === 'auth.password_reset';
    const media = parsed.data.type === 'media.fetch';
    const queue = outbound ? c.env.OUTBOUND_QUEUE : media ? c.env.MEDIA_QUEUE : c.env.INGEST_QUEUE;
    await queue.send(parsed.data, { contentType: 'json' });
    await scoped(c, (tx) => tx.update(deadLetters).set({ replayedAt: new Date() }).where(eq(deadLetters.id, id)));
    await recordAudit(c.var.db, {
      action: 'dead_letter.replayed',
      ...byActor(actor),
      targetType: 'dead_letter',
      targetId: id,
      metadata: { queue: outbound ? QUEUE_NAMES.outbound : media ? QUEUE_NAMES.media : QUEUE_NAMES.ingest },
    });
    return c.json({ status: 'replayed', id }, 202);
  });
}
