// A WebSocket client for tests inside workerd: ticket over REST, upgrade through the worker, events collected.
import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { RealtimeEvent } from '../durable-objects/protocol';
import { drainQueues } from './drain';
import { api, type Session } from './harness';
import { eventually } from './whatsapp';

export interface TestSocket {
  ws: WebSocket;
  events: RealtimeEvent[];
  /** Non-JSON frames (e.g. "pong"). */
  frames: string[];
  closed: { code: number; reason: string } | null;
  next(type: string, predicate?: (e: RealtimeEvent) => boolean): Promise<RealtimeEvent>;
  send(value: unknown): void;
  /** A ping/pong round trip: every frame the server sent before it has arrived (or the socket closed). */
  flush(): Promise<void>;
  close(): void;
}

/**
 * Before asserting that a socket did NOT receive something: the queues drained (every notify published) and each
 * socket has received all its server sent meanwhile.
 */
export async function settled(...sockets: TestSocket[]): Promise<void> {
  await drainQueues();
  await Promise.all(sockets.map((s) => s.flush()));
}

export async function ticket(s: Session): Promise<string> {
  const res = await api('POST', '/api/v1/realtime/ticket', { token: s.accessToken });
  expect(res.status).toBe(201);
  return res.body.ticket;
}

export async function upgrade(path: string): Promise<Response> {
  return SELF.fetch(`http://conversa.test${path}`, { headers: { Upgrade: 'websocket' } });
}

export async function connect(s: Session, path: string, after?: number): Promise<TestSocket> {
  const q = `ticket=${encodeURIComponent(await ticket(s))}${after !== undefined ? `&after=${after}` : ''}`;
  const res = await upgrade(`${path}?${q}`);
  if (res.status !== 101) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  const ws = res.webSocket!;
  ws.accept();
  const sock: TestSocket = {
    ws,
    events: [],
    frames: [],
    closed: null,
    async next(type, predicate = () => true) {
      return eventually(async () => sock.events.find((e) => e.type === type && predicate(e)));
    },
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    async flush() {
      if (sock.closed) return;
      const pongs = () => sock.frames.filter((f) => f === 'pong').length;
      const before = pongs();
      try {
        ws.send('ping');
      } catch {
        return; // closing: nothing more will arrive
      }
      await eventually(async () => sock.closed || pongs() > before);
    },
    close: () => ws.close(1000, 'done'),
  };
  ws.addEventListener('message', (e) => {
    const text = typeof e.data === 'string' ? e.data : '';
    try {
      sock.events.push(JSON.parse(text));
    } catch {
      sock.frames.push(text);
    }
  });
  ws.addEventListener('close', (e) => {
    sock.closed = { code: e.code, reason: e.reason };
  });
  return sock;
}
