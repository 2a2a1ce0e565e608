import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeDb } from './db';
import { testDatabase } from './scratch';
import { startWsProxy, terminateDetector, type WsProxy } from './ws-proxy';

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
    proxy = await startWsProxy({});
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

  it('refuses targets that are not on an allowed host', async () => {
    const ws = new WebSocket(`ws://${proxy.address}?address=example.com:5432`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1008);
    expect(proxy.openConnections()).toBe(0);
  });
});
