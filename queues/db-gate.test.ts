// Consumers wait for a database that was just down instead of failing message after message.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../worker/db/client';
import { testDb } from '../test/harness';
import worker from '../worker/index';
import { databaseAnswers, databaseSeemsDown, noteFailure } from './db-gate';
import { QUEUE_NAMES } from './messages';

const DOWN_URL = 'postgres://postgres:postgres@127.0.0.1:1/postgres';

describe('database gate', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('a refused connection marks the database down; an SQL error does not; a probe that answers clears it', async () => {
    expect(await databaseAnswers(db, { QUEUE_DB_WAIT_SECONDS: '0' })).toBe(true);
    noteFailure(Object.assign(new Error('duplicate key'), { code: '23505' }));
    expect(databaseSeemsDown()).toBe(false);
    noteFailure(new Error('connect ECONNREFUSED', { cause: new Error('WebSocket closed') }));
    expect(databaseSeemsDown()).toBe(true);

    const down = createDb({ url: DOWN_URL, wsProxy: env.DB_WS_PROXY });
    const t0 = Date.now();
    expect(await databaseAnswers(down.db, { QUEUE_DB_WAIT_SECONDS: '1' })).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    await down.pool.end().catch(() => {});
    expect(databaseSeemsDown()).toBe(true);
    expect(await databaseAnswers(db, { QUEUE_DB_WAIT_SECONDS: '0' })).toBe(true);
    expect(databaseSeemsDown()).toBe(false);
  });

  it('while it stays down, a whole batch is retried untouched and probes are still acknowledged', async () => {
    noteFailure(new Error('connection refused'));
    const batch = createMessageBatch<unknown>(QUEUE_NAMES.ingest, [
      { id: 'gate-1', timestamp: new Date(), attempts: 3, body: { type: 'meta.webhook', body: '{}', receivedAt: new Date().toISOString() } },
      { id: 'gate-2', timestamp: new Date(), attempts: 1, body: { type: 'queue.probe', token: crypto.randomUUID() } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, DATABASE_URL: DOWN_URL, QUEUE_DB_WAIT_SECONDS: '0', QUEUE_RETRY_BASE_SECONDS: '2' }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['gate-1']);
    expect(result.explicitAcks).toEqual(['gate-2']);
    // The real database answers again: the gate opens for the next batch.
    expect(await databaseAnswers(db, { QUEUE_DB_WAIT_SECONDS: '0' })).toBe(true);
  });
});
