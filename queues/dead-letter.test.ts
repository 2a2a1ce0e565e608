import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../test/harness';
import worker from '../worker/index';
import { deadLetters } from '../worker/db/schema';
import { QUEUE_NAMES } from './messages';

describe('dead-letter consumer', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('stores every message of the batch, keeping its body and attempts, and acks them', async () => {
    const id1 = `dlq-${crypto.randomUUID()}`;
    const id2 = `dlq-${crypto.randomUUID()}`;
    const webhook = { type: 'meta.webhook', body: '{"object":"whatsapp_business_account"}', receivedAt: new Date().toISOString() };
    const batch = createMessageBatch<unknown>(QUEUE_NAMES.deadLetter, [
      { id: id1, timestamp: new Date(), attempts: 6, body: webhook },
      { id: id2, timestamp: new Date(), attempts: 1, body: { something: 'else' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.ackAll).toBe(true);
    expect(result.retryMessages).toEqual([]);

    const [row1] = await db.select().from(deadLetters).where(eq(deadLetters.messageId, id1));
    expect(row1).toMatchObject({ queue: QUEUE_NAMES.deadLetter, attempts: 6, body: webhook });
    expect(row1?.error).toContain('meta.webhook');
    const [row2] = await db.select().from(deadLetters).where(eq(deadLetters.messageId, id2));
    expect(row2?.error).toContain('unrecognised');
  });
  // With the database down the batch is parked in R2 and acked: queues/reliability.test.ts.
});
