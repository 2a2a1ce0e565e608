// The benchmark proxy's session pooling (pg-pooler.ts) against the real server: a later client gets the earlier one's
// server session, reset, with the named prepared statements it holds (pg-prepared.ts: as Neon's pooler and
// Hyperdrive keep them); one that leaves inside a transaction never hands its session on. And the dev proxy in front
// of PGlite, whose one backend every client shares, answering a Parse of a statement that backend already holds.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { nodeDb } from './db';
import { startEmbeddedPostgres } from './embedded-pg';
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

  /** One client on its own connection, as a Worker's invocation: runs the named statement twice, then leaves. */
  async function runsNamed(n: number) {
    const { pool } = nodeDb(db.url, proxy.address);
    const client = await pool.connect();
    try {
      const named = { name: 'pooler_probe', text: 'select $1::int + 1 as n, pg_backend_pid() as pid' };
      const first = (await client.query(named, [n])).rows[0] as { n: number; pid: number };
      const again = (await client.query(named, [n + 1])).rows[0] as { n: number };
      const held = (await client.query(`select count(*)::int as c, sum(generic_plans + custom_plans)::int as runs from pg_prepared_statements where name = 'pooler_probe'`)).rows[0] as { c: number; runs: number };
      const setting = (await client.query('show application_name')).rows[0] as { application_name: string };
      await client.query(`set application_name = 'client ${n}'`);
      return { n: first.n, again: again.n, pid: Number(first.pid), held: held.c, runs: held.runs, app: setting.application_name };
    } finally {
      client.release();
      await pool.end();
    }
  }

  it('keeps a named statement in the server session for the next client, and resets everything else', async () => {
    const first = await runsNamed(1);
    await expect.poll(() => proxy.idleSessions()).toBe(1);
    const second = await runsNamed(10);
    const third = await runsNamed(20);
    // Same server session each time, the statement prepared once and still answering with the new client's values.
    expect([second.pid, third.pid]).toEqual([first.pid, first.pid]);
    expect([first.n, first.again, second.n, second.again, third.n]).toEqual([2, 3, 11, 12, 21]);
    expect([first.held, second.held, third.held]).toEqual([1, 1, 1]);
    // Its executions add up across clients: one statement, kept (a re-prepared one would count 2 each time).
    expect([first.runs, second.runs, third.runs]).toEqual([2, 4, 6]);
    // The session's settings did not follow it to the next client.
    expect(second.app).not.toBe('client 1');
    expect(third.app).not.toBe('client 10');
  });
});

describe('dev proxy in front of the embedded PGlite and named prepared statements', () => {
  it('lets every client run the statements an earlier client prepared on the one backend', async () => {
    const pg = await startEmbeddedPostgres();
    const proxy = await startWsProxy({ serialize: true });
    try {
      const answers: number[] = [];
      for (const n of [1, 2, 3]) {
        const { pool } = nodeDb(pg.url, proxy.address);
        try {
          answers.push(Number((await pool.query({ name: 'pglite_probe', text: 'select $1::int * 10 as n' }, [n])).rows[0].n));
        } finally {
          await pool.end();
        }
      }
      expect(answers).toEqual([10, 20, 30]);
    } finally {
      await proxy.close();
      await pg.close();
    }
  });
});
