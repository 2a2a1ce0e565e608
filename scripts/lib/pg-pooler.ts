// Session pooling for the benchmark's WebSocket proxy: what Neon's pooled endpoint (PgBouncer) gives a Worker, modelled
// locally. A Worker cannot keep a connection between invocations, so every queue batch opens one; on Neon that lands
// on a warm server session, locally it forked a fresh backend (cold catalog caches, ~45 ms more planning on the first
// statements) after a SCRAM exchange the driver computes on the worker's thread. With the pooler a client's startup is
// answered by the proxy (one round trip, as Neon's pipelined password is), and its queries go to a server connection
// that earlier clients warmed; when the client leaves, the session is reset before the next one gets it.
// Prepared statements outlive their client, as with PgBouncer's `max_prepared_statements` (Neon's pooler) and
// Hyperdrive: the reset is DISCARD ALL without DEALLOCATE ALL and DISCARD PLANS, and a Parse of a statement the
// session holds is answered by pg-prepared.ts. So statements the ingest runs by name keep their plans (issue 18).
// The first connection of each slot still does the real startup and authentication, passed through unchanged.
//
// Clients are not authenticated by the pooler (like PgBouncer's auth_type=trust): it is for the benchmark's proxy on
// 127.0.0.1 only, and it only reuses a session for the same user and database that authenticated it.
import net from 'node:net';
import { preparedTracker, type HeldStatements } from './pg-prepared';

/** Whole Postgres messages out of a byte stream (typed; the frontend's startup packets are untyped). */
export function messageFramer(untypedFirst: boolean, onMessage: (msg: Buffer) => void) {
  let buf: Buffer = Buffer.alloc(0);
  let untyped = untypedFirst;
  return (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const head = untyped ? 4 : 5;
      if (buf.length < head) return;
      const len = untyped ? buf.readInt32BE(0) : buf.readInt32BE(1) + 1;
      if (buf.length < len) return;
      const msg = buf.subarray(0, len);
      buf = buf.subarray(len);
      if (untyped && msg.readInt32BE(4) !== SSL_REQUEST) untyped = false;
      onMessage(msg);
    }
  };
}

const SSL_REQUEST = 80877103;

/** user and database of a StartupMessage. */
function startupParams(msg: Buffer): Map<string, string> {
  const parts = msg.subarray(8).toString('utf8').split('\0');
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params.set(parts[i]!, parts[i + 1]!);
  return params;
}

const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const AUTH_OK = message('R', int32(0));
const READY_IDLE = message('Z', Buffer.from('I'));
const RESET = message('Q', Buffer.from('CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES\0'));

/** A warm server session and what its startup told the first client (parameter statuses, backend key). */
interface ServerSession {
  tcp: net.Socket;
  key: string;
  greeting: Buffer[];
  /** Named prepared statements the server holds in this session. */
  prepared: HeldStatements;
}

export interface Pooler {
  /** Pairs one client with a server session; `send` writes to the client, the returned function takes its bytes. */
  connect(target: { host: string; port: number }, send: (data: Buffer) => void, close: () => void): PooledClient;
  /** Server connections open (idle and in use). */
  openConnections(): number;
  /** Sessions reset and waiting in the pool for a client. */
  idleSessions(): number;
  close(): void;
}

export interface PooledClient {
  fromClient(chunk: Buffer): void;
  /** The client went away (WebSocket closed): its session goes back to the pool if it is idle. */
  gone(): void;
}

export function createPooler(maxIdle = 32): Pooler {
  const idle = new Map<string, ServerSession[]>();
  const all = new Set<net.Socket>();

  const park = (s: ServerSession) => {
    const list = idle.get(s.key) ?? [];
    if (list.length >= maxIdle) return s.tcp.destroy();
    list.push(s);
    idle.set(s.key, list);
    s.tcp.removeAllListeners('data');
    s.tcp.on('data', () => s.tcp.destroy()); // an idle session that speaks is not in a state to reuse
  };
  const unpark = (key: string): ServerSession | undefined => {
    const list = idle.get(key);
    while (list?.length) {
      const s = list.pop()!;
      if (!s.tcp.destroyed) return s;
    }
    return undefined;
  };

  return {
    openConnections: () => all.size,
    idleSessions: () => [...idle.values()].reduce((n, list) => n + list.filter((s) => !s.tcp.destroyed).length, 0),
    close() {
      for (const s of all) s.destroy();
    },
    connect(target, send, close) {
      let session: ServerSession | null = null;
      let serverIdle = false; // last ReadyForQuery said 'I'
      let outstanding = 0;
      let left = false;
      let startupSeen = false;
      let answeredByPooler = false;
      const pending: Buffer[] = [];
      const statements = preparedTracker(() => session?.prepared ?? null, send);
      const client: PooledClient = { fromClient, gone };

      const attach = (s: ServerSession, fresh: boolean) => {
        session = s;
        const greeting: Buffer[] = [];
        let greeted = !fresh;
        const frame = messageFramer(false, (msg) => {
          const type = String.fromCharCode(msg[0]!);
          if (!greeted && (type === 'S' || type === 'K')) greeting.push(Buffer.from(msg));
          statements.fromServer(type);
          if (type === 'Z') {
            if (!greeted) {
              greeted = true;
              s.greeting = greeting;
            }
            outstanding = Math.max(0, outstanding - 1);
            serverIdle = msg[5] === 0x49;
            if (left) release();
          }
        });
        s.tcp.removeAllListeners('data');
        s.tcp.on('data', (data: Buffer) => {
          if (!left) send(data);
          frame(data);
        });
        s.tcp.removeAllListeners('close');
        s.tcp.on('close', () => {
          all.delete(s.tcp);
          if (session === s && !left) close();
        });
        for (const b of pending.splice(0)) s.tcp.write(b);
      };

      // The client is done: a session with nothing in flight and no open transaction is reset and pooled.
      const release = () => {
        const s = session;
        if (!s || s.tcp.destroyed) return;
        if (outstanding > 0) return; // its answers are still coming: decide at the next ReadyForQuery
        session = null;
        if (!serverIdle) return s.tcp.destroy();
        let resetDone = false;
        const frame = messageFramer(false, (msg) => {
          if (msg[0] !== 0x5a || resetDone) return; // 'Z'
          resetDone = true;
          park(s);
        });
        s.tcp.removeAllListeners('data');
        s.tcp.on('data', frame);
        s.tcp.write(RESET);
      };

      const frameClient = messageFramer(true, (msg) => {
        if (!startupSeen) {
          if (msg.length === 8 && msg.readInt32BE(4) === SSL_REQUEST) return send(Buffer.from('N'));
          startupSeen = true;
          const params = startupParams(msg);
          const key = `${target.host}:${target.port}/${params.get('user') ?? ''}/${params.get('database') ?? params.get('user') ?? ''}`;
          const warm = unpark(key);
          if (warm) {
            attach(warm, false);
            serverIdle = true;
            answeredByPooler = true;
            send(Buffer.concat([AUTH_OK, ...warm.greeting, READY_IDLE]));
            return;
          }
          const tcp = net.connect(target);
          tcp.setNoDelay(true);
          all.add(tcp);
          tcp.on('error', () => tcp.destroy());
          const s: ServerSession = { tcp, key, greeting: [], prepared: new Map() };
          outstanding++;
          pending.push(Buffer.from(msg));
          attach(s, true);
          return;
        }
        const type = String.fromCharCode(msg[0]!);
        if (type === 'X') {
          // As a server would, close the client's connection: its driver waits for that to end its pool.
          gone();
          return close();
        }
        if (type === 'p' && answeredByPooler) return; // a pipelined password: the session is authenticated already
        if (!statements.fromClient(msg, outstanding === 0)) return;
        if (type === 'Q' || type === 'S') outstanding++;
        if (session) session.tcp.write(msg);
        else pending.push(Buffer.from(msg));
      });

      function fromClient(chunk: Buffer) {
        if (!left) frameClient(chunk);
      }
      function gone() {
        if (left) return;
        left = true;
        release();
      }
      return client;
    },
  };
}
