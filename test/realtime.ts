// A WebSocket client for tests inside workerd: ticket over REST, upgrade through the worker, events collected.
import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { RealtimeEvent } from '../durable-objects/protocol';
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
  close(): void;
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
