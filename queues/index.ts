// Queue entry point: one consumer per queue, chosen by the queue's name.
import { createDb } from '../worker/db/client';
import type { Env } from '../worker/env';
import { createLogger, errorFields } from '../worker/lib/log';
import { storeDeadLetters } from './dead-letter';
import { QUEUE_NAMES } from './messages';

export async function handleQueue(batch: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
  const log = createLogger({ queue: batch.queue, size: batch.messages.length }, env.LOG_LEVEL);
  const { db, pool } = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    if (batch.queue.startsWith(QUEUE_NAMES.deadLetter)) {
      await storeDeadLetters(
        db,
        batch.queue,
        batch.messages.map((m) => ({ id: m.id, body: m.body, attempts: m.attempts })),
      );
      batch.ackAll();
      return;
    }
    // Until a consumer exists for a queue, retrying keeps its messages (they end in the dead-letter table).
    log.error('no consumer for queue');
    batch.retryAll({ delaySeconds: 60 });
  } catch (err) {
    log.error('queue batch failed', errorFields(err));
    batch.retryAll({ delaySeconds: 10 });
  } finally {
    ctx.waitUntil(pool.end().catch(() => {}));
  }
}
