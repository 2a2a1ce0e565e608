// Live updates. WebSockets when the API hands out realtime tickets; polling when it does not (the ticket endpoint
// answers 404), re-checked every minute so the app switches to sockets as soon as they exist. Sockets reconnect
// with backoff and resume from the last seq seen; while a socket is down the stores poll, so nothing goes stale.
//
// Protocol: POST /api/v1/realtime/ticket → { ticket } (single use, ~30 s); sockets at /api/v1/inbox/ws and
// /api/v1/conversations/:id/ws with ?ticket=…&after=<seq>; events { type, data, seq }; the client sends
// "ping" every 25 s (answered "pong"), and JSON commands ({ type: "typing", data: { state } }; reads go through REST).
import { computed, signal } from '@preact/signals';
import { ApiError, post, wsUrl } from '../api/client';
import type { ConversationRow, RealtimeEvent } from '../api/types';
import { userId } from './session';

export type Transport = 'unknown' | 'ws' | 'polling';
export type SocketState = 'idle' | 'connecting' | 'open' | 'reconnecting';
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'offline';

export const transport = signal<Transport>('unknown');
export const inboxSocketState = signal<SocketState>('idle');
export const online = signal(typeof navigator === 'undefined' ? true : navigator.onLine);
/** The last REST poll could not reach the server. */
export const pollTrouble = signal(false);

export const connection = computed<Connection>(() => {
  if (!online.value) return 'offline';
  if (transport.value === 'polling') return pollTrouble.value ? 'offline' : 'polling';
  if (transport.value === 'unknown') return 'connecting';
  const s = inboxSocketState.value;
  if (s === 'open') return 'live';
  if (s === 'reconnecting') return pollTrouble.value ? 'offline' : 'reconnecting';
  return 'connecting';
});

/** True when a store should poll instead of waiting for socket events. */
export function socketsDown(state: SocketState): boolean {
  return transport.value !== 'ws' || state !== 'open';
}

const PING_MS = 25_000;
const STALE_MS = 65_000;
const REPROBE_MS = 60_000;

/** How long to wait before asking for a ticket again after a 404; tests shorten it through localStorage. */
function reprobeMs(): number {
  try {
    const v = Number(localStorage.getItem('conversa.reprobeMs'));
    return v > 0 ? v : REPROBE_MS;
  } catch {
    return REPROBE_MS;
  }
}

class TicketUnavailable extends Error {}

function forcedPolling(): boolean {
  try {
    return localStorage.getItem('conversa.transport') === 'polling';
  } catch {
    return false;
  }
}

async function getTicket(): Promise<string> {
  try {
    const r = await post<{ ticket: string }>('/api/v1/realtime/ticket', {});
    return r.ticket;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) throw new TicketUnavailable();
    throw err;
  }
}

export interface SocketHandlers {
  onEvent(event: RealtimeEvent): void;
  /** The client may have missed events (first connect, a seq gap, or the server said "resync"): reload over REST. */
  onSync(): void;
  onState?(state: SocketState): void;
  /**
   * The server closed the socket with 4003 (access changed: reassigned, role changed, removed). With this handler the
   * socket stays stopped and the owner decides (re-check over REST, then `start()` again or give up); without it,
   * the socket reconnects, and the upgrade re-checks access.
   */
  onAccessChanged?(reason: string): void;
  /** The server closed the socket with 4004: the conversation was erased (LGPD). The socket stays stopped. */
  onErased?(): void;
}

/** One WebSocket with tickets, reconnect + backoff, resume from the last seq, heartbeat. */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private stopped = true;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastSeq: number | undefined;
  private lastRx = 0;
  state: SocketState = 'idle';

  constructor(
    private readonly path: string,
    private readonly handlers: SocketHandlers,
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'done');
    this.setState('idle');
  }

  /** Reconnect at once (back online, tab visible again). */
  nudge() {
    if (this.stopped || this.state === 'open' || this.state === 'connecting') return;
    clearTimeout(this.retryTimer);
    void this.connect();
  }

  send(message: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  private setState(state: SocketState) {
    this.state = state;
    this.handlers.onState?.(state);
  }

  private async connect() {
    if (this.stopped) return;
    this.setState(this.attempts === 0 && this.lastSeq === undefined ? 'connecting' : 'reconnecting');
    let ticket: string;
    try {
      ticket = await getTicket();
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof TicketUnavailable) {
        realtimeUnavailable();
        return;
      }
      // 401: the login ended (the session module takes over); anything else: try again later.
      if (err instanceof ApiError && err.status === 401) {
        this.stop();
        return;
      }
      this.retry();
      return;
    }
    if (this.stopped) return;
    transport.value = 'ws';
    const resumed = this.lastSeq !== undefined;
    const ws = new WebSocket(wsUrl(this.path, { ticket, after: this.lastSeq }));
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.lastRx = Date.now();
      this.setState('open');
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.heartbeat(), PING_MS);
      if (!resumed) this.handlers.onSync();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws === ws) this.receive(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (ev.code === 4003 && this.handlers.onAccessChanged) {
        this.stopped = true;
        this.setState('idle');
        this.handlers.onAccessChanged(ev.reason);
        return;
      }
      if (ev.code === 4004) {
        this.stopped = true;
        this.setState('idle');
        this.handlers.onErased?.();
        return;
      }
      this.retry();
    };
  }

  private retry() {
    this.setState('reconnecting');
    const delay = Math.min(30_000, 1_000 * 2 ** this.attempts) * (0.6 + Math.random() * 0.4);
    this.attempts += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private heartbeat() {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // Half-open connections never say goodbye: no pong (or event) for a while means start over.
    if (Date.now() - this.lastRx > STALE_MS) {
      ws.close(4000, 'stale');
      return;
    }
    ws.send('ping');
  }

  private receive(raw: unknown) {
    this.lastRx = Date.now();
    if (typeof raw !== 'string' || raw === 'pong') return;
    let event: RealtimeEvent;
    try {
      event = JSON.parse(raw) as RealtimeEvent;
    } catch {
      return;
    }
    if (!event || typeof event.type !== 'string') return;
    if (event.type === 'resync') {
      if (typeof event.seq === 'number') this.lastSeq = event.seq;
      this.handlers.onSync();
      return;
    }
    if (event.type === 'error') {
      console.warn('[realtime]', event.data);
      return;
    }
    let gap = false;
    if (typeof event.seq === 'number' && event.seq > 0) {
      gap = this.lastSeq !== undefined && event.seq > this.lastSeq + 1;
      if (this.lastSeq === undefined || event.seq > this.lastSeq) this.lastSeq = event.seq;
    }
    this.handlers.onEvent(event);
    if (gap) this.handlers.onSync();
  }
}

// ---- the organisation inbox socket and the switch between sockets and polling ----

/** The organisation's socket sends one row to everyone; this member's unread count is theirs in `unreadBy`. */
export function asSeenByMe<T extends ConversationRow>(row: T): T {
  const mine = userId.value ? row.unreadBy?.[userId.value] : undefined;
  return mine === undefined ? row : { ...row, unreadCount: mine };
}

const inboxEventListeners = new Set<(e: RealtimeEvent) => void>();
const inboxSyncListeners = new Set<() => void>();
const liveSockets = new Set<LiveSocket>();
let inboxSocket: LiveSocket | null = null;
let reprobeTimer: ReturnType<typeof setTimeout> | undefined;
let running = false;

export function onInboxEvent(fn: (e: RealtimeEvent) => void): () => void {
  inboxEventListeners.add(fn);
  return () => inboxEventListeners.delete(fn);
}

export function onInboxSync(fn: () => void): () => void {
  inboxSyncListeners.add(fn);
  return () => inboxSyncListeners.delete(fn);
}

/** A socket other stores own (one per open conversation); stopped when realtime turns out unavailable. */
export function trackSocket(socket: LiveSocket): () => void {
  liveSockets.add(socket);
  return () => liveSockets.delete(socket);
}

function realtimeUnavailable() {
  transport.value = 'polling';
  inboxSocket?.stop();
  for (const s of liveSockets) s.stop();
  clearTimeout(reprobeTimer);
  if (running) reprobeTimer = setTimeout(() => running && inboxSocket?.start(), reprobeMs());
}

export function startRealtime() {
  if (running) return;
  running = true;
  if (forcedPolling()) {
    transport.value = 'polling';
    return;
  }
  transport.value = 'unknown';
  inboxSocket = new LiveSocket('/api/v1/inbox/ws', {
    onEvent: (e) => {
      const own = e.type === 'conversation.updated' ? { ...e, data: asSeenByMe(e.data as ConversationRow) } : e;
      inboxEventListeners.forEach((fn) => fn(own));
    },
    onSync: () => inboxSyncListeners.forEach((fn) => fn()),
    onState: (s) => {
      inboxSocketState.value = s;
    },
  });
  inboxSocket.start();
}

export function stopRealtime() {
  running = false;
  clearTimeout(reprobeTimer);
  inboxSocket?.stop();
  inboxSocket = null;
  for (const s of liveSockets) s.stop();
  liveSockets.clear();
  transport.value = 'unknown';
  inboxSocketState.value = 'idle';
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    online.value = true;
    inboxSocket?.nudge();
    for (const s of liveSockets) s.nudge();
  });
  window.addEventListener('offline', () => {
    online.value = false;
  });
}
