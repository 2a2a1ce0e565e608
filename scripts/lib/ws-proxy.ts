// WebSocket → TCP proxy so the Neon serverless driver (which only speaks Postgres over WebSocket) can reach a
// local Postgres, exactly as it reaches Neon in production. Clients connect to ws://host:port/v1?address=h:p.
// For benchmarks it can add the network's round-trip latency and counts request/response exchanges per connection and
// per transaction.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { createPooler, messageFramer } from './pg-pooler';
import { preparedTracker, type HeldStatements } from './pg-prepared';

/** Request/response exchanges seen on one connection of the timed path. */
export interface ConnectionTurns {
  /** Exchanges until the server's first ReadyForQuery: startup and authentication. */
  startupTurns: number;
  /** Exchanges after that: client writes answered by the server (one per query, or per pipelined group). */
  turns: number;
  /**
   * `turns` split by the ReadyForQuery transaction status: a transaction runs from the turn after which the status
   * left 'I' to the turn after which it is 'I' again, both included. Finished ones, in order.
   */
  transactions: TransactionTurns[];
  /** Turns that began and ended with the server idle ('I'): statements outside any transaction (autocommit). */
  standaloneTurns: number;
  /** Epoch ms. */
  openedAt: number;
  closedAt: number | null;
}

export interface TransactionTurns {
  turns: number;
  /** Epoch ms: when the client wrote its first turn. */
  startedAt: number;
  /** The connection closed before the status was back to 'I' (the server rolls it back). */
  unfinished?: true;
}

export interface WsProxy {
  port: number;
  /** Value for DB_WS_PROXY: `host:port/v1`. */
  address: string;
  /** The same proxy for a harness's own queries (`host:port/v1/untimed`): no added latency, not counted. */
  untimedAddress: string;
  /** Live TCP connections to Postgres (tests use it to prove nothing leaks). */
  openConnections(): number;
  /** With `pool`: server sessions reset and waiting for a client. */
  idleSessions(): number;
  /** Connections of the timed path opened since the start or the last `resetTurns()`, open ones included. */
  connectionTurns(): ConnectionTurns[];
  resetTurns(): void;
  close(): Promise<void>;
}

export interface WsProxyOptions {
  port?: number;
  host?: string;
  /** Only Postgres servers on these hosts may be reached, so the proxy is never an open relay. */
  allowedHosts?: string[];
  /** Give clients the server one at a time, transaction by transaction (needed in front of PGlite). */
  serialize?: boolean;
  /**
   * Round-trip latency added on the timed path, in ms (Neon from a Worker is a few ms away; here it is ~0). All of it
   * delays the server → client direction: every request/response exchange then costs `latencyMs` more, with one timer
   * per exchange (two half delays each paid Node's timer lateness: 5 ms came out as 6.5; this way 5.5, 10 as 10.6).
   * The WebSocket upgrade costs one round trip too; TCP and TLS handshakes to Neon are not modelled. 0: no timers.
   */
  latencyMs?: number;
  /**
   * Session pooling on the timed path, as Neon's pooled endpoint does (scripts/lib/pg-pooler.ts): a client's startup is
   * answered here and its queries go to a warm server session. Benchmarks only; not with `serialize`.
   */
  pool?: boolean;
}

const TIMED_PATH = '/v1';
const UNTIMED_PATH = '/v1/untimed';

/**
 * Hands chunks to `deliver` `delayMs` after they were pushed, in order: one timer at a time per line, so the order
 * never depends on timer ordering. `close` queues an action behind the data already pushed (an end of stream must not
 * overtake the bytes before it). With 0 it is a plain call. Node's timers count whole ms and fire up to ~1 ms late:
 * the timer is set for the whole ms below the due time, and a chunk less than half a ms from due goes out.
 */
export function delayLine(delayMs: number, deliver: (chunk: Buffer) => void) {
  if (delayMs <= 0) return { push: deliver, close: (fn: () => void) => fn() };
  const queue: { due: number; chunk: Buffer | null; fn?: () => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const pump = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now + 0.5) {
      const item = queue.shift()!;
      if (item.chunk) deliver(item.chunk);
      else item.fn!();
    }
    schedule();
  };
  const schedule = () => {
    if (timer || queue.length === 0) return;
    timer = setTimeout(pump, Math.max(1, Math.floor(queue[0]!.due - performance.now())));
  };
  return {
    push(chunk: Buffer) {
      queue.push({ due: performance.now() + delayMs, chunk });
      schedule();
    },
    close(fn: () => void) {
      queue.push({ due: performance.now() + delayMs, chunk: null, fn });
      schedule();
    },
  };
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * Splits a Postgres protocol byte stream into message types, across chunk boundaries. The frontend stream
 * starts with untyped startup packets (reported as "startup" or "ssl"); the backend stream answers an SSLRequest
 * with one bare byte, then typed messages. `onMessage` gets the type and, for ReadyForQuery, its status byte.
 */
export function pgStreamParser(side: 'frontend' | 'backend', onMessage: (type: string, first?: number) => void) {
  let startup = side === 'frontend';
  let bareBytes = 0; // backend: one-byte answers to SSLRequest
  let header = Buffer.alloc(0);
  let skip = 0;
  let pendingType: string | null = null;
  return {
    expectSslAnswer() {
      bareBytes++;
    },
    push(chunk: Buffer) {
      let buf = chunk;
      while (buf.length > 0) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          if (pendingType !== null) {
            onMessage(pendingType, buf[0]);
            pendingType = null;
          }
          skip -= n;
          buf = buf.subarray(n);
          continue;
        }
        if (bareBytes > 0 && header.length === 0) {
          bareBytes--;
          buf = buf.subarray(1);
          continue;
        }
        const need = startup ? 8 : 5;
        const take = Math.min(need - header.length, buf.length);
        header = Buffer.concat([header, buf.subarray(0, take)]);
        buf = buf.subarray(take);
        if (header.length < need) return;
        if (startup) {
          const len = header.readInt32BE(0);
          const code = header.readInt32BE(4);
          const ssl = code === SSL_REQUEST || code === GSSENC_REQUEST;
          if (!ssl) startup = false;
          onMessage(ssl ? 'ssl' : 'startup');
          skip = Math.max(0, len - 8);
        } else {
          const type = String.fromCharCode(header[0]!);
          const bodyLen = Math.max(0, header.readInt32BE(1) - 4);
          // ReadyForQuery's status byte is its body: report the message once that byte has arrived.
          if (type === 'Z' && bodyLen > 0) pendingType = type;
          else onMessage(type);
          skip = bodyLen;
        }
        header = Buffer.alloc(0);
      }
    },
  };
}

/** True once the frontend stream has carried a Terminate message. */
export function terminateDetector(): (chunk: Buffer) => boolean {
  let seen = false;
  const parser = pgStreamParser('frontend', (type) => {
    if (type === 'X') seen = true;
  });
  return (chunk) => {
    parser.push(chunk);
    return seen;
  };
}

const IDLE = 0x49; // ReadyForQuery 'I': not in a transaction

/**
 * Counts one timed connection's turns where the client is (the WebSocket side of the delay line): client writes, then
 * the server's answer reaching the client, make one exchange (a Terminate, never answered, is none). Writes made
 * before the client saw the first ReadyForQuery belong to the startup. Once every ReadyForQuery the client asked for
 * (one per startup, simple query and Sync) has reached it, the turns since the last such point are settled by the
 * transaction status before and after them: idle → idle is standalone, anything else belongs to a transaction.
 */
export function turnCounter(counted: ConnectionTurns) {
  let asking: 'startupTurns' | 'turns' | null = null;
  let ready = false;
  let owed = 0;
  let status = IDLE;
  let unsettled = 0;
  let unsettledSince = 0;
  let open: TransactionTurns | null = null;

  const settle = (after: number) => {
    const turns = unsettled;
    unsettled = 0;
    if (turns === 0) return; // the startup's ReadyForQuery
    const before = status;
    status = after;
    if (before === IDLE && after === IDLE) counted.standaloneTurns += turns;
    else if (open) open.turns += turns;
    else open = { turns, startedAt: unsettledSince };
    if (open && after === IDLE) {
      counted.transactions.push(open);
      open = null;
    }
  };
  const fromServer = pgStreamParser('backend', (type, after) => {
    if (type !== 'Z') return;
    ready = true;
    owed = Math.max(0, owed - 1);
    if (owed === 0) settle(after ?? IDLE);
  });
  const fromClient = pgStreamParser('frontend', (type) => {
    if (type === 'startup' || type === 'Q' || type === 'S') owed++;
    else if (type === 'ssl') fromServer.expectSslAnswer();
  });
  return {
    /** Bytes the client sent (before any queueing or pooling). */
    clientWrote(chunk: Buffer) {
      if (asking === null) {
        asking = ready ? 'turns' : 'startupTurns';
        if (ready && unsettled === 0) unsettledSince = Date.now();
      }
      fromClient.push(chunk);
    },
    /** Bytes delivered to the client (after the added latency). */
    delivered(chunk: Buffer) {
      if (asking) counted[asking]++;
      if (asking === 'turns') unsettled++;
      asking = null;
      fromServer.push(chunk);
    },
    closed() {
      if (counted.closedAt !== null) return;
      counted.closedAt = Date.now();
      if (open) counted.transactions.push({ turns: open.turns + unsettled, startedAt: open.startedAt, unfinished: true });
      else counted.standaloneTurns += unsettled; // answered, but no ReadyForQuery came to say more
      open = null;
      unsettled = 0;
    },
  };
}

export function newConnectionTurns(): ConnectionTurns {
  return { startupTurns: 0, turns: 0, transactions: [], standaloneTurns: 0, openedAt: Date.now(), closedAt: null };
}

/**
 * One proxied client. With `serialize`, clients take turns on the server: PGlite runs every client in one backend
 * session, so interleaving two clients' extended-protocol messages (or one client's statements inside another's
 * transaction) would mix their state. A client keeps its turn until the server is idle (ReadyForQuery 'I') with
 * nothing outstanding: a transaction is never split.
 */
interface Client {
  forward(chunk: Buffer): void;
  queued: Buffer[];
}

export async function startWsProxy(options: WsProxyOptions): Promise<WsProxy> {
  const host = options.host ?? '127.0.0.1';
  const allowed = new Set(options.allowedHosts ?? ['127.0.0.1', 'localhost']);
  const sockets = new Set<net.Socket>();
  const latencyMs = options.latencyMs ?? 0;
  let turns: ConnectionTurns[] = [];
  const wss = new WebSocketServer({
    host,
    port: options.port ?? 0,
    verifyClient: (info, done) => {
      const path = new URL(info.req.url ?? '/', 'http://proxy').pathname;
      if (path === UNTIMED_PATH || latencyMs <= 0) return done(path === TIMED_PATH || path === UNTIMED_PATH);
      if (path !== TIMED_PATH) return done(false);
      // The upgrade request and its answer cross the network once each.
      setTimeout(() => done(true), latencyMs);
    },
  });
  if (options.pool && options.serialize) throw new Error('ws-proxy: pool and serialize do not combine');
  const pooler = options.pool ? createPooler() : null;
  const held = new Map<string, HeldStatements>();
  const heldOn = (target: string) => {
    let statements = held.get(target);
    if (!statements) held.set(target, (statements = new Map()));
    return statements;
  };
  let owner: Client | null = null;
  const waiting: Client[] = [];

  const release = (client: Client) => {
    if (owner !== client) return;
    owner = null;
    while (!owner && waiting.length > 0) {
      const next = waiting.shift()!;
      owner = next;
      for (const chunk of next.queued.splice(0)) next.forward(chunk);
    }
  };

  wss.on('connection', (ws: WebSocket, req) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const timed = url.pathname === TIMED_PATH;
    const target = url.searchParams.get('address') ?? '';
    const match = /^(.+):(\d+)$/.exec(target);
    if (!match || !allowed.has(match[1]!)) {
      ws.close(1008, 'target not allowed');
      return;
    }
    if (pooler && timed) return pooledConnection(ws, { host: match[1]!, port: Number(match[2]) });
    const tcp = net.connect({ host: match[1], port: Number(match[2]) });
    tcp.setNoDelay(true);
    sockets.add(tcp);
    const unsent: Buffer[] = [];
    let connected = false;
    let terminated = false;
    // Answers still owed by the server: one ReadyForQuery per startup, simple query and Sync.
    let outstanding = 0;
    let idle = false;
    let counter: ReturnType<typeof turnCounter> | null = null;
    if (timed) {
      const counted = newConnectionTurns();
      turns.push(counted);
      counter = turnCounter(counted);
    }
    const toClient = delayLine(timed ? latencyMs : 0, (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
      counter?.delivered(data);
    });

    // PGlite's one backend keeps every client's named statements: a client's Parse of one it holds is answered here.
    const statements = options.serialize ? preparedTracker(() => heldOn(target), (data) => toClient.push(data)) : null;
    const backend = pgStreamParser('backend', (type, status) => {
      statements?.fromServer(type);
      if (type !== 'Z') return;
      outstanding = Math.max(0, outstanding - 1);
      idle = status === 0x49; // 'I': not in a transaction
      if (options.serialize && outstanding === 0 && idle) release(client);
    });
    const frontend = pgStreamParser('frontend', (type) => {
      if (type === 'startup' || type === 'Q' || type === 'S') outstanding++;
      else if (type === 'ssl') backend.expectSslAnswer();
      else if (type === 'X') terminated = true;
    });

    const write = (chunk: Buffer) => {
      frontend.push(chunk);
      if (connected) tcp.write(chunk);
      else unsent.push(chunk);
      if (terminated) tcp.end();
    };
    const messages = statements ? messageFramer(true, (msg) => statements.fromClient(msg, outstanding === 0) && write(Buffer.from(msg))) : null;
    const client: Client = {
      queued: [],
      forward(chunk) {
        if (messages) messages(chunk);
        else write(chunk);
      },
    };

    tcp.on('connect', () => {
      connected = true;
      for (const b of unsent.splice(0)) tcp.write(b);
      if (terminated) tcp.end();
    });
    tcp.on('data', (data) => {
      toClient.push(data);
      backend.push(data);
    });
    const closed = () => {
      const i = waiting.indexOf(client);
      if (i >= 0) waiting.splice(i, 1);
      release(client);
      counter?.closed();
    };
    tcp.on('close', () => {
      sockets.delete(tcp);
      closed();
      toClient.close(() => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      });
    });
    tcp.on('error', () => tcp.destroy());

    ws.on('message', (data: Buffer) => {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      counter?.clientWrote(chunk);
      if (!options.serialize || owner === client) return client.forward(chunk);
      if (owner === null) {
        owner = client;
        return client.forward(chunk);
      }
      client.queued.push(chunk);
      if (!waiting.includes(client)) waiting.push(client);
    });
    ws.on('close', () => {
      closed();
      tcp.end();
    });
    ws.on('error', () => tcp.destroy());
  });

  /** The timed path through the pooler: the same latency and turn counting, the session from the pool. */
  function pooledConnection(ws: WebSocket, target: { host: string; port: number }) {
    const counted = newConnectionTurns();
    turns.push(counted);
    const counter = turnCounter(counted);
    const toClient = delayLine(latencyMs, (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
      counter.delivered(data);
    });
    const pooled = pooler!.connect(
      target,
      (data) => toClient.push(data),
      () => {
        counter.closed();
        toClient.close(() => {
          if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
        });
      },
    );
    ws.on('message', (data: Buffer) => {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      counter.clientWrote(chunk);
      pooled.fromClient(chunk);
    });
    ws.on('close', () => {
      counter.closed();
      pooled.gone();
    });
    ws.on('error', () => pooled.gone());
  }

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    port,
    address: `${host}:${port}${TIMED_PATH}`,
    untimedAddress: `${host}:${port}${UNTIMED_PATH}`,
    openConnections: () => sockets.size + (pooler?.openConnections() ?? 0),
    idleSessions: () => pooler?.idleSessions() ?? 0,
    connectionTurns: () => turns.map((t) => ({ ...t, transactions: t.transactions.map((x) => ({ ...x })) })),
    resetTurns: () => {
      turns = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        pooler?.close();
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
