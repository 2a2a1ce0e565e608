// Messages that will never succeed, or exhausted their retries, land here; they are kept in `dead_letters` for an
// admin to inspect and replay (one multi-row insert per batch). A dead letter is never dropped: when the database
// cannot take it (the outage that made it a dead letter may still be on), it is parked in R2 and acked, and the
// every-minute job (moveParkedDeadLetters) moves it into the table once the database answers.
import { inArray } from 'drizzle-orm';
import { deadLetters, organizations } from '../worker/db/schema';
import type { Db } from '../worker/db/client';
import { asSystem, type Tx } from '../worker/db/tx';
import type { Env } from '../worker/env';
import type { Logger } from '../worker/lib/log';
import { errorFields } from '../worker/lib/log';
import { deadLetterEnvelope, queueMessage } from './messages';

export interface DeadLetterInput {
  id: string;
  body: unknown;
  attempts: number;
}

/** Where parked dead letters wait; keys start with the time parked, so a listing is oldest first. */
export const PARKED_PREFIX = 'dead-letters/pending/';

interface Parked extends DeadLetterInput {
  queue: string;
  parkedAt: string;
}

type DeadLetterRow = ReturnType<typeof toDeadLetterRow>;

export function toDeadLetterRow(queue: string, m: DeadLetterInput) {
  // Sent by a consumer that gave up at once: the original queue, message and reason travel in the envelope.
  const envelope = deadLetterEnvelope.safeParse(m.body);
  const original = envelope.success ? envelope.data : null;
  const body = original ? original.body : m.body;
  const parsed = queueMessage.safeParse(body);
  const organizationId = parsed.success && 'organizationId' in parsed.data ? parsed.data.organizationId : null;
  const kind = parsed.success ? parsed.data.type : 'unrecognised body';
  return {
    queue: original?.queue ?? queue,
    messageId: original?.messageId ?? m.id,
    organizationId: organizationId as string | null,
    body: body as object,
    attempts: original?.attempts ?? m.attempts,
    error: original ? `${original.reason} (${kind})` : `retries exhausted (${kind})`,
  };
}

export async function storeDeadLetters(db: Db, queue: string, messages: DeadLetterInput[]) {
  if (messages.length === 0) return;
  await asSystem(db, async (tx) => tx.insert(deadLetters).values(await withExistingOrgs(tx, messages.map((m) => toDeadLetterRow(queue, m)))));
}

/** A letter of an organisation deleted meanwhile is kept as a platform row (its foreign key would refuse it forever). */
async function withExistingOrgs(tx: Tx, rows: DeadLetterRow[]): Promise<DeadLetterRow[]> {
  const ids = [...new Set(rows.map((r) => r.organizationId).filter((id): id is string => !!id))];
  if (ids.length === 0) return rows;
  const found = await tx.select({ id: organizations.id }).from(organizations).where(inArray(organizations.id, ids));
  const existing = new Set(found.map((f) => f.id));
  return rows.map((r) => (r.organizationId && !existing.has(r.organizationId) ? { ...r, organizationId: null } : r));
}

/** The dead-letter consumer: into the table, or parked in R2 when the database does not take them. */
export async function receiveDeadLetters(env: Env, db: Db, queue: string, messages: DeadLetterInput[], log: Logger): Promise<void> {
  try {
    await storeDeadLetters(db, queue, messages);
  } catch (err) {
    log.warn('dead letters parked in R2: database unavailable', { ...errorFields(err), count: messages.length });
    const parkedAt = new Date().toISOString();
    // A failed put throws: the batch is retried, never acked without a copy.
    await Promise.all(
      messages.map((m) =>
        env.MEDIA.put(`${PARKED_PREFIX}${parkedAt}-${encodeURIComponent(m.id)}.json`, JSON.stringify({ ...m, queue, parkedAt } satisfies Parked), {
          httpMetadata: { contentType: 'application/json' },
        }),
      ),
    );
  }
}

/**
 * Moves parked dead letters into the table (a page of up to 500 per run). Idempotent: a letter already moved by a
 * run that died before deleting its R2 object is not inserted twice (matched by queue and message id).
 */
export async function moveParkedDeadLetters(env: Env, db: Db): Promise<{ moved: number }> {
  const listed = await env.MEDIA.list({ prefix: PARKED_PREFIX, limit: 500 });
  if (listed.objects.length === 0) return { moved: 0 };
  const letters: { key: string; row: DeadLetterRow }[] = [];
  for (const o of listed.objects) {
    const obj = await env.MEDIA.get(o.key);
    if (!obj) continue;
    const p = (await obj.json()) as Parked;
    letters.push({ key: o.key, row: toDeadLetterRow(p.queue, p) });
  }
  await asSystem(db, async (tx) => {
    const ids = letters.map((l) => l.row.messageId);
    const existing = await tx
      .select({ queue: deadLetters.queue, messageId: deadLetters.messageId })
      .from(deadLetters)
      .where(inArray(deadLetters.messageId, ids));
    const seen = new Set(existing.map((e) => `${e.queue}|${e.messageId}`));
    const rows = letters.map((l) => l.row).filter((r) => !seen.has(`${r.queue}|${r.messageId}`));
    if (rows.length) await tx.insert(deadLetters).values(await withExistingOrgs(tx, rows));
  });
  await env.MEDIA.delete(letters.map((l) => l.key));
  return { moved: letters.length };
}

/** For /health: how many dead letters wait in R2 for the database, and since when (no database involved). */
export async function parkedDeadLetters(env: Env): Promise<{ parked: number; oldestParkedAt: string | null; more: boolean }> {
  const listed = await env.MEDIA.list({ prefix: PARKED_PREFIX, limit: 1000 });
  const first = listed.objects[0]?.key.slice(PARKED_PREFIX.length, PARKED_PREFIX.length + 24) ?? null;
  return { parked: listed.objects.length, oldestParkedAt: first, more: listed.truncated };
}
