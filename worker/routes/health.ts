// GET /health: liveness plus a real database round trip (503 with the reason when it fails), and the dead letters
// parked in R2 waiting for the database (read from R2 only, so they show during an outage).
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { database } from '../middleware/database';
import type { AppEnv } from '../env';
import { rootMessage } from '../lib/log';
import { VERSION } from '../version';
import { parkedDeadLetters } from '../../queues/dead-letter';

const DB_TIMEOUT_MS = 3_000;

export function registerHealth(app: Hono<AppEnv>) {
  app.get('/health', database, async (c) => {
    const parked = parkedDeadLetters(c.env).then(
      ({ parked, oldestParkedAt }) => ({ parked, oldestParkedAt }),
      () => ({ parked: null, oldestParkedAt: null }),
    );
    try {
      await withTimeout(c.var.db.execute(sql`select 1`), DB_TIMEOUT_MS);
      return c.json({ status: 'ok', db: 'ok', version: VERSION, deadLetters: await parked });
    } catch (err) {
      const reason = rootMessage(err);
      c.var.log.warn('health: database unreachable', { reason });
      return c.json({ status: 'error', db: 'unreachable', version: VERSION, reason, deadLetters: await parked }, 503);
    }
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
