import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { nodeDb } from './db';
import { testDatabase } from './scratch';
import { performance } from 'node:perf_hooks';
import { delayLine, pgStreamParser, startWsProxy, terminateDetector, type WsProxy } from './ws-proxy';

function msg(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
function startup(code: number, extra = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8 + extra.length, 0);
  b.writeInt32BE(code, 4);
  return Buffer.concat([b, extra]);
}

describe('pgStreamParser', () => {
  it('reports ReadyForQuery with its status byte, across chunk boundaries', () => {
    const seen: [string, number | undefined][] = [];
    const parser = pgStreamParser('backend', (type, status) => seen.push([type, status]));
    const z = (status: string) => Buffer.from([0x5a, 0, 0, 0, 5, status.charCodeAt(0)]);
    const stream = Buffer.concat([msg('C', Buffer.from('SELECT 1\0')), z('T'), z('I')]);
    for (const byte of stream) parser.push(Buffer.from([byte]));
    expect(seen).toEqual([['C', undefined], ['Z', 0x54], ['Z', 0x49]]);
  });
});

describe('terminateDetector', () => {
  const stream = Buffer.concat([
    startup(80877103), // SSLRequest
    startup(196608, Buffer.from('user\0postgres\0\0')),
    msg('Q', Buffer.from('select 1\0')),
    msg('X', Buffer.alloc(0)),
  ]);

  it('finds Terminate after the startup packets', () => {
    expect(terminateDetector()(stream)).toBe(true);
  });

  it('finds it when the stream arrives one byte at a time', () => {
    const detect = terminateDetector();
    const seen = [...stream].map((byte) => detect(Buffer.from([byte])));
    expect(seen.indexOf(true)).toBe(stream.length - 1);
  });

  it('is not fooled by an X inside a query', () => {
    const detect = terminateDetector();
    expect(detect(startup(196608, Buffer.from('user\0x\0\0')))).toBe(false);
    expect(detect(msg('Q', Buffer.from('select X from X\0')))).toBe(false);
  });
});

describe('delayLine', () => {
  it('delivers at once with no delay', () => {
    const got: string[] = [];
    const line = delayLine(0, (c) => got.push(c.toString()));
    line.push(Buffer.from('a'));
    expect(got).toEqual(['a']);
  });

  it('delivers late, in order, and closes after the data', async () => {
    const got: [string, number][] = [];
    const t0 = performance.now();
    const line = delayLine(15, (c) => got.push([c.toString(), performance.now() - t0]));
    for (const c of ['a', 'b', 'c']) line.push(Buffer.from(c));
    const closedAt = new Promise<number>((resolve) => line.close(() => resolve(got.length)));
    expect(await closedAt).toBe(3);
    expect(got.map(([c]) => c)).toEqual(['a', 'b', 'c']);
    for (const [, at] of got) expect(at).toBeGreaterThanOrEqual(14);
  });
});

/** Median time of `n` one-row queries on one already-open connection. */
async function medianRoundTrip(address: string, url: string, n = 15): Promise<number> {
  const { pool } = nodeDb(url, address);
  const client = await pool.connect();
  try {
    await client.query('select 1');
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await client.query('select 1');
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  } finally {
    client.release();
    await pool.end();
  }
}

describe('WebSocket proxy with the Neon driver', () => {
  let proxy: WsProxy;
  const db = testDatabase();

  beforeAll(async () => {
    proxy = await startWsProxy({ serialize: process.env.TEST_DB_KIND !== 'postgres' });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('carries queries and closes the Postgres connection when the client ends', async () => {
    const { pool } = nodeDb(db.url, proxy.address);
    const res = await pool.query('select $1::int + 1 as n', [41]);
    expect(res.rows[0].n).toBe(42);
    expect(proxy.openConnections()).toBe(1);
    await pool.end();
    await expect.poll(() => proxy.openConnections(), { timeout: 5_000 }).toBe(0);
  });

  it('keeps up with parallel clients and leaks nothing', async () => {
    const pools = Array.from({ length: 10 }, () => nodeDb(db.url, proxy.address).pool);
    const results = await Promise.all(pools.map((p, i) => p.query('select $1::int as i', [i])));
    expect(results.map((r) => r.rows[0].i)).toEqual([...Array(10).keys()]);
    await Promise.all(pools.map((p) => p.end()));
    await expect.poll(() => proxy.openConnections(), { timeout: 5_000 }).toBe(0);
  });

  it('never lets one client see another client\'s open transaction', async () => {
    const a = nodeDb(db.url, proxy.address).pool;
    const b = nodeDb(db.url, proxy.address).pool;
    const inTx = await a.connect();
    try {
      await inTx.query('begin');
      await inTx.query(`select set_config('app.org_id', 'tenant-a', true)`);
      // B asks while A's transaction is open: it must not run inside A's session state.
      const seen = b.query(`select coalesce(current_setting('app.org_id', true), '') as org`);
      await new Promise((r) => setTimeout(r, 100));
      await inTx.query('commit');
      expect((await seen).rows[0].org).toBe('');
    } finally {
      inTx.release();
      await a.end();
      await b.end();
    }
    await expect.poll(() => proxy.openConnections(), { timeout: 5_000 }).toBe(0);
  });

  it('counts request/response turns per connection, startup apart, and not on the untimed path', async () => {
    proxy.resetTurns();
    const { pool } = nodeDb(db.url, proxy.address);
    const client = await pool.connect();
    await client.query('begin');
    await client.query('select $1::int as n', [1]);
    await client.query('commit');
    client.release();
    await pool.end();
    await expect.poll(() => proxy.openConnections(), { timeout: 5_000 }).toBe(0);
    const [conn, ...more] = proxy.connectionTurns();
    expect(more).toEqual([]);
    expect(conn!.turns).toBe(3);
    // Startup packet, then one exchange per SASL step (or none with trust authentication).
    expect(conn!.startupTurns).toBeGreaterThanOrEqual(1);
    expect(conn!.closedAt).not.toBeNull();

    proxy.resetTurns();
    const own = nodeDb(db.url, proxy.untimedAddress).pool;
    await own.query('select 1');
    await own.end();
    expect(proxy.connectionTurns()).toEqual([]);
  });

  it.each([0, 5])('counts turns per transaction (BEGIN … COMMIT) and standalone statements apart, %i ms latency', async (latencyMs) => {
    const counting = latencyMs ? await startWsProxy({ serialize: process.env.TEST_DB_KIND !== 'postgres', latencyMs }) : proxy;
    onTestFinished(async () => {
      if (counting !== proxy) await counting.close();
    });
    counting.resetTurns();
    const { pool } = nodeDb(db.url, counting.address);
    const client = await pool.connect();
    await client.query('select 1'); // autocommit, outside any transaction
    // As withOrg opens one: BEGIN and set_config in one simple-protocol turn.
    await client.query(`begin; select set_config('app.org_id', 'tenant-a', true)`);
    await client.query('select $1::int as n', [1]);
    await client.query(`select current_setting('app.org_id', true) as org`);
    await client.query('commit');
    await client.query('select 2');
    await client.query('begin');
    await expect(client.query('select 1/0')).rejects.toThrow(); // status 'E' until the rollback
    await client.query('rollback');
    client.release();
    await pool.end();
    await expect.poll(() => counting.openConnections(), { timeout: 5_000 }).toBe(0);
    const [conn, ...more] = counting.connectionTurns();
    expect(more).toEqual([]);
    expect(conn!.turns).toBe(9);
    expect(conn!.transactions.map((t) => t.turns)).toEqual([4, 3]);
    expect(conn!.transactions.every((t) => !t.unfinished && t.startedAt >= conn!.openedAt)).toBe(true);
    expect(conn!.transactions[1]!.startedAt).toBeGreaterThanOrEqual(conn!.transactions[0]!.startedAt);
    expect(conn!.standaloneTurns).toBe(2);
  });

  it('adds the configured latency to every round trip, keeping answers in order', async () => {
    const slow = await startWsProxy({ serialize: process.env.TEST_DB_KIND !== 'postgres', latencyMs: 20 });
    try {
      const base = await medianRoundTrip(proxy.address, db.url);
      const delayed = await medianRoundTrip(slow.address, db.url);
      expect(delayed - base).toBeGreaterThanOrEqual(18);
      expect(delayed - base).toBeLessThan(28);
      // The untimed path of the same proxy adds nothing.
      expect(await medianRoundTrip(slow.untimedAddress, db.url)).toBeLessThan(base + 10);
      const { pool } = nodeDb(db.url, slow.address);
      const rows = await Promise.all(Array.from({ length: 5 }, (_, i) => pool.query('select $1::int as i', [i])));
      expect(rows.map((r) => r.rows[0].i)).toEqual([0, 1, 2, 3, 4]);
      await pool.end();
      await expect.poll(() => slow.openConnections(), { timeout: 5_000 }).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('refuses targets that are not on an allowed host', async () => {
    const ws = new WebSocket(`ws://${proxy.address}?address=example.com:5432`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1008);
    expect(proxy.openConnections()).toBe(0);
  });
});
