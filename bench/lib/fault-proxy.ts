// A TCP proxy in front of Postgres that can play "the database is down": `down()` closes every open connection and
// stops listening (new connections are refused, as with a stopped server), `up()` listens again on the same port.
// It works the same in front of the installed Postgres and the embedded one, and leaves the real server alone for
// the benchmark's own bookkeeping queries.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  host: string;
  port: number;
  isDown(): boolean;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    open.add(client).add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      open.clear();
      server.close(() => resolve());
    });
  return {
    host: '127.0.0.1',
    port,
    isDown: () => down,
    async down() {
      if (down) return;
      down = true;
      await stop();
    },
    async up() {
      if (!down) return;
      await listen(port);
      down = false;
    },
    async close() {
      if (!down) await stop();
    },
  };
}
