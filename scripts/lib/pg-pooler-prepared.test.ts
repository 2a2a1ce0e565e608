// Named prepared statements on sessions that outlive their clients (pg-prepared.ts): the benchmark's session pooler
// (pg-pooler.ts) against the real server, where a statement outlives the client that prepared it as with Neon's
// pooler and Hyperdrive, and the dev proxy in front of the embedded PGlite, whose one backend every client shares.
// Either way the next client's Parse is answered by the proxy: no "already exists" from the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDb } from './db';
import { startEmbeddedPostgres } from './embedded-pg';
import { testDatabase } from './scratch';
import { startWsProxy, type WsProxy } from './ws-proxy';

describe('session pooler and named prepared statements', () => {
  let proxy: WsProxy;
  const db = testDatabase();

  beforeAll(async () => {
    proxy = await startWsProxy({ pool: true });
  });
  afterAll(async () => {
    await proxy.close();
  });

  /** One client on its own connection, as a Worker's invocation: runs the named statement twice, then leaves. */
  async function asClient(n: number) {
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
    const first = await asClient(1);
    await expect.poll(() => proxy.idleSessions()).toBe(1);
    const second = await asClient(10);
    const third = await asClient(20);
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
