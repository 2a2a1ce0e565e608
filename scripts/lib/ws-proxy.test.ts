import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeDb } from './db';
import { testDatabase } from './scratch';
import { pgStreamParser, startWsProxy, terminateDetector, type WsProxy } from './ws-proxy';

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

  it('refuses targets that are not on an allowed host', async () => {
    const ws = new WebSocket(`ws://${proxy.address}?address=example.com:5432`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1008);
    expect(proxy.openConnections()).toBe(0);
  });
});
