// WebSocket → TCP proxy so the Neon serverless driver (which only speaks Postgres over WebSocket) can reach a
// local Postgres, exactly as it reaches Neon in production. Clients connect to ws://host:port/v1?address=h:p.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsProxy {
  port: number;
  /** Value for DB_WS_PROXY: `host:port/v1`. */
  address: string;
  /** Live TCP connections to Postgres (tests use it to prove nothing leaks). */
  openConnections(): number;
  close(): Promise<void>;
}

export interface WsProxyOptions {
  port?: number;
  host?: string;
  /** Only Postgres servers on these hosts may be reached, so the proxy is never an open relay. */
  allowedHosts?: string[];
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows the frontend message framing to spot Terminate. PGlite's socket server does not close the connection
 * when a client says goodbye, and the Neon driver waits for the server to close, so we end it ourselves.
 */
export function terminateDetector(): (chunk: Buffer) => boolean {
  let startupDone = false;
  let header = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let buf = chunk;
    while (buf.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        skip -= n;
        buf = buf.subarray(n);
        continue;
      }
      const need = startupDone ? 5 : 8;
      const take = Math.min(need - header.length, buf.length);
      header = Buffer.concat([header, buf.subarray(0, take)]);
      buf = buf.subarray(take);
      if (header.length < need) return false;
      if (startupDone) {
        const type = header[0];
        const len = header.readInt32BE(1);
        header = Buffer.alloc(0);
        if (type === TERMINATE) return true;
        skip = Math.max(0, len - 4);
      } else {
        const len = header.readInt32BE(0);
        const code = header.readInt32BE(4);
        header = Buffer.alloc(0);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startupDone = true;
        skip = Math.max(0, len - 8);
      }
    }
    return false;
  };
}

export async function startWsProxy(options: WsProxyOptions): Promise<WsProxy> {
  const host = options.host ?? '127.0.0.1';
  const allowed = new Set(options.allowedHosts ?? ['127.0.0.1', 'localhost']);
  const sockets = new Set<net.Socket>();
  const wss = new WebSocketServer({ host, port: options.port ?? 0, path: '/v1' });

  wss.on('connection', (ws: WebSocket, req) => {
    const target = new URL(req.url ?? '/', 'http://proxy').searchParams.get('address') ?? '';
    const match = /^(.+):(\d+)$/.exec(target);
    if (!match || !allowed.has(match[1]!)) {
      ws.close(1008, 'target not allowed');
      return;
    }
    const tcp = net.connect({ host: match[1], port: Number(match[2]) });
    tcp.setNoDelay(true);
    sockets.add(tcp);
    const isTerminate = terminateDetector();
    const pending: Buffer[] = [];
    let connected = false;

    tcp.on('connect', () => {
      connected = true;
      for (const b of pending.splice(0)) tcp.write(b);
    });
    tcp.on('data', (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
    });
    tcp.on('close', () => {
      sockets.delete(tcp);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    });
    tcp.on('error', () => tcp.destroy());

    ws.on('message', (data: Buffer) => {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      const end = isTerminate(chunk);
      if (connected) tcp.write(chunk);
      else pending.push(chunk);
      if (end) tcp.end();
    });
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    port,
    address: `${host}:${port}/v1`,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
