// The health check: a real database round trip (bounded in time, so a hung connection still gets an answer) and
// the dead letters parked in R2 waiting for the database (read from R2 only, so they show during an outage).
import { sql } from 'drizzle-orm';
import { parkedDeadLetters } from '../../queues/dead-letter';
import type { Db } from '../db/client';
import type { Env } from '../env';
import { rootMessage } from '../lib/log';

const DB_TIMEOUT_MS = 3_000;

export async function checkHealth(env: Env, db: Db) {
  const parked = parkedDeadLetters(env).then(
    ({ parked, oldestParkedAt }) => ({ parked, oldestParkedAt }),
    () => ({ parked: null, oldestParkedAt: null }),
  );
  try {
    await withTimeout(db.execute(sql`select 1`), DB_TIMEOUT_MS);
    return { ok: true as const, deadLetters: await parked };
  } catch (err) {
    return { ok: false as const, reason: rootMessage(err), deadLetters: await parked };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
