// Shared core of the realtime objects: hibernatable WebSockets and a per-object event sequence.
// The worker authenticates and authorises before it forwards an upgrade here.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';

export interface RealtimeEvent {
  type: string;
  data: unknown;
  seq: number;
}

export class FanoutRoom extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response(JSON.stringify({ error: { code: 'upgrade_required', message: 'Expected a WebSocket' } }), {
        status: 426,
        headers: { 'content-type': 'application/json' },
      });
    }
    const pair = new WebSocketPair();
    // acceptWebSocket (not ws.accept) lets the object hibernate while sockets stay open.
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Sends an event to every connected socket and returns it with its sequence number. */
  async publish(type: string, data: unknown): Promise<RealtimeEvent> {
    const seq = ((await this.ctx.storage.get<number>('seq')) ?? 0) + 1;
    await this.ctx.storage.put('seq', seq);
    const event: RealtimeEvent = { type, data, seq };
    const text = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket that died mid-send is dropped by the runtime; the others still get the event.
      }
    }
    return event;
  }

  /** Several events in one call: the consumers batch their notifications. */
  async publishMany(events: { type: string; data: unknown }[]): Promise<RealtimeEvent[]> {
    const out: RealtimeEvent[] = [];
    for (const e of events) out.push(await this.publish(e.type, e.data));
    return out;
  }

  connections(): number {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    // Complete the closing handshake; 1005/1006 ("no status", "abnormal") may not be sent back.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime.
    }
  }
}
