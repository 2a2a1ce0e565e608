// The benchmark proxy's session pooling (pg-pooler.ts) against the real server: a later client gets the earlier one's
// server session, reset; one that leaves inside a transaction never hands its session on.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { nodeDb } from './db';
import { testDatabase } from './scratch';
import { startWsProxy, type WsProxy } from './ws-proxy';

describe('WebSocket proxy with session pooling', () => {
  let proxy: WsProxy;
  const db = testDatabase();

  beforeAll(async () => {
    proxy = await startWsProxy({ pool: true });
  });
  afterAll(async () => {
    await proxy.close();
  });

  /** One client on its own connection: runs `fn`, then ends with Terminate. */
  async function asClient<T>(fn: (q: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>, via = proxy): Promise<T> {
    const { pool } = nodeDb(db.url, via.address);
    const client = await pool.connect();
    try {
      return await fn(async (text) => (await client.query(text)).rows as Record<string, unknown>[]);
    } finally {
      client.release();
      await pool.end();
    }
  }

  const backendPid = async (q: (text: string) => Promise<Record<string, unknown>[]>) => Number((await q('select pg_backend_pid() as pid'))[0]!.pid);

  it('hands a later client the earlier one\'s server session, reset, after a one-turn startup', async () => {
    proxy.resetTurns();
    const first = await asClient(async (q) => {
      await q(`set application_name = 'first client'`);
      await q('create temporary table pooled_scratch (n int)');
      return backendPid(q);
    });
    // Reset (DISCARD ALL) and back in the pool before the next client arrives.
    await expect.poll(() => proxy.idleSessions()).toBe(1);
    expect(proxy.openConnections()).toBe(1);
    const second = await asClient(async (q) => ({
      pid: await backendPid(q),
      app: (await q('show application_name'))[0]!.application_name,
      temp: (await q(`select count(*)::int as n from pg_class where relname = 'pooled_scratch'`))[0]!.n,
    }));
    expect(second.pid).toBe(first);
    expect(second.app).not.toBe('first client');
    expect(second.temp).toBe(0);
    const turns = proxy.connectionTurns();
    expect(turns).toHaveLength(2);
    expect(turns[0]!.startupTurns).toBeGreaterThan(1); // the real authentication, passed through
    expect(turns[1]!.startupTurns).toBe(1);
  });

  it.each([0, 5])('counts turns per transaction and standalone statements on pooled connections, %i ms latency', async (latencyMs) => {
    const counting = latencyMs ? await startWsProxy({ pool: true, latencyMs }) : proxy;
    onTestFinished(async () => {
      if (counting !== proxy) await counting.close();
    });
    counting.resetTurns();
    await asClient(async (q) => {
      await q('select 1'); // a routing read: autocommit
      await q(`begin; select set_config('app.org_id', 'tenant-a', true)`);
      await q('select 2');
      await q('select 3');
      await q('commit');
    }, counting);
    const [conn, ...more] = counting.connectionTurns();
    expect(more).toEqual([]);
    expect(conn!.turns).toBe(5);
    expect(conn!.transactions).toEqual([{ turns: 4, startedAt: expect.any(Number) }]);
    expect(conn!.standaloneTurns).toBe(1);
  });

  it('closes a session its client left inside a transaction, which rolls back', async () => {
    await asClient((q) => q('create table if not exists pooled_probe (note text)'));
    proxy.resetTurns();
    const { pool } = nodeDb(db.url, proxy.address);
    const client = await pool.connect();
    await client.query('begin');
    await client.query(`insert into pooled_probe values ('never committed')`);
    const abandoned = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    client.release(new Error('dropped')); // closes the socket without COMMIT
    await pool.end();
    const after = await asClient(async (q) => ({
      pid: await backendPid(q),
      rows: (await q(`select count(*)::int as n from pooled_probe where note = 'never committed'`))[0]!.n,
    }));
    expect(after.pid).not.toBe(abandoned);
    // BEGIN, INSERT, SELECT, then the client left: a transaction of three turns that never finished.
    expect(proxy.connectionTurns()[0]!.transactions).toEqual([{ turns: 3, startedAt: expect.any(Number), unfinished: true }]);
    expect(after.rows).toBe(0);
    await asClient((q) => q('drop table pooled_probe'));
  });
});
