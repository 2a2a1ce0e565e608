// Shared core of the realtime objects: hibernatable WebSockets, a per-object event sequence, a bounded history
// for catch-up after reconnects, and dead-socket detection. The worker authenticates and authorises before it
// forwards an upgrade here, passing the identity in headers that only it can set (the object has no public route).
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { HISTORY_LIMIT, type RealtimeEvent, type SocketIdentity } from './protocol';
import { flushMetrics, inc, setGauge } from '../worker/metrics/recorder';

const IDENTITY_HEADER = 'x-conversa-identity';
const AFTER_HEADER = 'x-conversa-after';
/** A socket that has not pinged for this long is closed (clients ping every ~25 s). */
const STALE_MS = 90_000;
const SWEEP_MS = 60_000;

const pad = (seq: number) => String(seq).padStart(12, '0');
/** Storage deletes at most 128 keys per call. */
const TRIM_BATCH = 128;
/** Enough for the largest publish; a room that grew before this rule shrinks by this much per publish. */
const TRIM_ROUNDS = 8;

export function upgradeRequest(identity: SocketIdentity, after?: number): Request {
  const headers = new Headers({ Upgrade: 'websocket', [IDENTITY_HEADER]: JSON.stringify(identity) });
  if (after !== undefined) headers.set(AFTER_HEADER, String(after));
  return new Request('https://room/ws', { headers });
}

export class FanoutRoom extends DurableObject<Env> {
  /** The `room` label of this object's metrics (conversation, inbox); a getter: a room keeps no fields (hibernation). */
  protected get room(): string {
    return 'room';
  }

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  override async fetch(request: Request): Promise<Response> {
    const identityHeader = request.headers.get(IDENTITY_HEADER);
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket' || !identityHeader) {
      return new Response(JSON.stringify({ error: { code: 'upgrade_required', message: 'Expected a WebSocket' } }), {
        status: 426,
        headers: { 'content-type': 'application/json' },
      });
    }
    const identity = JSON.parse(identityHeader) as SocketIdentity;
    const pair = new WebSocketPair();
    // acceptWebSocket (not ws.accept) lets the object hibernate while sockets stay open.
    this.ctx.acceptWebSocket(pair[1], [identity.userId]);
    pair[1].serializeAttachment({ ...identity, connectedAt: Date.now() });
    // Before the client can act on the open socket (it reloads over REST when it opens without `after`).
    await this.socketsChanged(identity);
    const after = request.headers.get(AFTER_HEADER);
    if (after !== null) await this.replay(pair[1], identity, Number(after));
    await this.ensureSweep();
    this.reportConnections();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /**
   * Called after a socket joined (`closing` unset) or left. The conversation room tells its organisation's inbox whether
   * anyone is watching, so events for conversations nobody has open are not sent to (nor kept by) a room at all.
   */
  protected async socketsChanged(_identity: SocketIdentity, _closing?: WebSocket): Promise<void> {}

  /** The sockets still open, not counting one that is closing. */
  protected openSockets(closing?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
  }

  /** A resuming client must reload instead of replaying from `after` (the room was not kept while unwatched). */
  protected async mustReload(_after: number): Promise<boolean> {
    return false;
  }

  /** Which sockets may see an event; the org inbox narrows this by role. */
  protected visibleTo(_identity: SocketIdentity, _event: RealtimeEvent): RealtimeEvent | null {
    return _event;
  }

  /** Stores an event with the next seq and sends it to every socket allowed to see it. */
  async publish(type: string, data: unknown): Promise<RealtimeEvent> {
    return (await this.publishMany([{ type, data }]))[0]!;
  }

  /** Several events in one call: the consumers batch their notifications. */
  async publishMany(events: { type: string; data: unknown }[]): Promise<RealtimeEvent[]> {
    let seq = (await this.ctx.storage.get<number>('seq')) ?? 0;
    const stored: RealtimeEvent[] = events.map((e) => ({ ...e, seq: ++seq }));
    const entries: Record<string, unknown> = { seq };
    for (const e of stored) entries[`ev:${pad(e.seq)}`] = e;
    await this.ctx.storage.put(entries);
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity;
      for (const e of stored) this.send(ws, this.visibleTo(identity, e));
    }
    this.flushMetrics();
    // Housekeeping after the sockets have their events: trimming reads storage, which the sends need not wait for.
    await this.trim(seq);
    return stored;
  }

  /**
   * Keeps the last HISTORY_LIMIT events. Runs on every publish (a publish of several events must not step over a
   * trim point), so there is at most one publish's worth to delete; the bound keeps the work per call small even
   * for a room that grew before this rule.
   */
  private async trim(seq: number) {
    const keepFrom = seq - HISTORY_LIMIT + 1;
    if (keepFrom <= 1) return;
    for (let round = 0; round < TRIM_ROUNDS; round++) {
      const stale = await this.ctx.storage.list({ prefix: 'ev:', end: `ev:${pad(keepFrom)}`, limit: TRIM_BATCH });
      if (stale.size) await this.ctx.storage.delete([...stale.keys()]);
      if (stale.size < TRIM_BATCH) return;
    }
  }

  /**
   * Tells every socket it missed something (a notify this room could not take): a stored `resync` with its own seq,
   * so open clients reload and one reconnecting later with an older seq gets it in its replay.
   */
  async resync(reason: string): Promise<RealtimeEvent> {
    return this.publish('resync', { reason });
  }

  /**
   * LGPD erasure: stored events that name the person (a conversation id, their name or number) are replaced by a
   * `resync` with the same seq, so no replay hands them out again and the sequence keeps no gap. Returns how many.
   */
  async forget(needles: string[]): Promise<number> {
    if (needles.length === 0) return 0;
    const stored = await this.ctx.storage.list<RealtimeEvent>({ prefix: 'ev:' });
    const replaced = [...stored].filter(([, e]) => needles.some((n) => JSON.stringify(e).includes(n)));
    for (let i = 0; i < replaced.length; i += TRIM_BATCH) {
      const batch = replaced.slice(i, i + TRIM_BATCH);
      await this.ctx.storage.put(Object.fromEntries(batch.map(([k, e]) => [k, { type: 'resync', data: { reason: 'erased' }, seq: e.seq }])));
    }
    return replaced.length;
  }

  /** Sends an event that is not kept (typing): it carries the latest seq, so it never opens a gap. */
  async broadcastEphemeral(type: string, data: unknown, except?: WebSocket): Promise<void> {
    const seq = (await this.ctx.storage.get<number>('seq')) ?? 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      this.send(ws, this.visibleTo(ws.deserializeAttachment() as SocketIdentity, { type, data, seq }));
    }
    this.flushMetrics();
  }

  /** What a reconnecting client missed: every stored event after `after`, or "resync" if history is gone. */
  private async replay(ws: WebSocket, identity: SocketIdentity, after: number) {
    const seq = (await this.ctx.storage.get<number>('seq')) ?? 0;
    if (Number.isFinite(after) && (await this.mustReload(after))) {
      this.send(ws, { type: 'resync', data: { reason: 'history_gone' }, seq });
      return;
    }
    if (!Number.isFinite(after) || after >= seq) return;
    const missed = await this.ctx.storage.list<RealtimeEvent>({ prefix: 'ev:', start: `ev:${pad(after + 1)}` });
    const events = [...missed.values()];
    if (after < seq - HISTORY_LIMIT || events[0]?.seq !== after + 1) {
      this.send(ws, { type: 'resync', data: { reason: 'history_gone' }, seq });
      return;
    }
    for (const e of events) this.send(ws, this.visibleTo(identity, e));
  }

  protected send(ws: WebSocket, event: RealtimeEvent | null) {
    if (!event) return;
    try {
      ws.send(JSON.stringify(event));
      inc('conversa_websocket_events_sent_total', { room: this.room });
    } catch {
      // A socket that died mid-send is dropped by the runtime; the others still get the event.
    }
  }

  /** Closes every socket of a user (membership removed or role changed: they must reconnect and re-authorise). */
  async closeUser(userId: string, reason = 'access changed'): Promise<number> {
    const sockets = this.ctx.getWebSockets(userId);
    for (const ws of sockets) ws.close(4003, reason);
    this.reportConnections();
    const [first] = sockets;
    if (first) await this.socketsChanged(first.deserializeAttachment() as SocketIdentity, first);
    return sockets.length;
  }

  connections(): number {
    return this.ctx.getWebSockets().length;
  }

  private async ensureSweep() {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
  }

  /** Dead-socket sweep: close sockets whose client stopped pinging (half-open TCP never says goodbye). */
  override async alarm() {
    const now = Date.now();
    let closed: WebSocket | undefined;
    for (const ws of this.ctx.getWebSockets()) {
      const last = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime();
      const since = last ?? (ws.deserializeAttachment() as { connectedAt?: number }).connectedAt ?? now;
      if (now - since > STALE_MS) {
        ws.close(4008, 'no heartbeat');
        closed = ws;
      }
    }
    if (closed) await this.socketsChanged(closed.deserializeAttachment() as SocketIdentity, closed);
    if (this.ctx.getWebSockets().length > 0) await this.ctx.storage.setAlarm(now + SWEEP_MS);
    // Also refreshes this room's report, which the hub forgets after a few minutes without one.
    this.reportConnections();
  }

  /**
   * This room's open sockets as the `conversa_websocket_connections` gauge (one source per room, summed by the hub):
   * an absolute count, so a lost report is corrected by the next one instead of drifting like +1/-1 would.
   */
  protected reportConnections(closing?: WebSocket) {
    const open = this.openSockets(closing).length;
    setGauge('conversa_websocket_connections', { room: this.room }, open, this.ctx.id.toString());
    this.flushMetrics();
  }

  private flushMetrics() {
    flushMetrics(this.env, (p) => this.ctx.waitUntil(p));
  }

  override async webSocketError(ws: WebSocket) {
    this.reportConnections(ws);
    await this.socketsChanged(ws.deserializeAttachment() as SocketIdentity, ws);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    // Complete the closing handshake; 1005/1006 ("no status", "abnormal") may not be sent back.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime.
    }
    this.reportConnections(ws);
    await this.socketsChanged(ws.deserializeAttachment() as SocketIdentity, ws);
  }
}
