// While the database is down, consumers wait for it instead of failing message after message. Once a consumer in
// this isolate saw the database unreachable, the next batch first probes it (`select 1`), waiting with backoff up
// to QUEUE_DB_WAIT_SECONDS (default 30); if it is still down, the whole batch is retried with the usual backoff
// without touching its messages. Fewer wasted deliveries and log lines during an outage, and far fewer messages
// waiting out a retry delay at once — Cloudflare keeps those server side, but Miniflare holds a timer for each,
// and workerd allows 10,000 (a 10-minute outage at 50 msg/s used to overflow it and lose the messages locally).
import { sql } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import type { Env } from '../worker/env';

let downSince: number | null = null;

/** A failure with no SQLSTATE is the connection's (refused, reset, closed, timed out): the database is away. */
export function noteFailure(err: unknown): void {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as { code: string }).code)) return;
  }
  downSince ??= Date.now();
}

export const databaseSeemsDown = () => downSince !== null;

const waitBudgetMs = (env: Pick<Env, 'QUEUE_DB_WAIT_SECONDS'>) => Math.max(0, Number(env.QUEUE_DB_WAIT_SECONDS ?? 30)) * 1000;

/** True when the database answers (at once when nothing failed lately); false after the wait budget. */
export async function databaseAnswers(db: Db, env: Pick<Env, 'QUEUE_DB_WAIT_SECONDS'>): Promise<boolean> {
  if (downSince === null) return true;
  const deadline = Date.now() + waitBudgetMs(env);
  let pause = 500;
  for (;;) {
    try {
      await Promise.race([db.execute(sql`select 1`), new Promise((_, reject) => setTimeout(() => reject(new Error('probe timed out')), 3_000))]);
      downSince = null;
      return true;
    } catch {
      if (Date.now() + pause > deadline) return false;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 8_000);
    }
  }
}
