// Agents' side of the realtime path, as the web app does it: log in, trade the access token for a single-use
// ticket, open the WebSocket (`ws` package), keep it alive with "ping", and hand every event to a callback with
// its receipt time.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { RealtimeEvent } from '../../durable-objects/protocol';

export interface Session {
  email: string;
  accessToken: string;
  userId: string;
  orgId: string;
}

async function json(res: Response) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function login(apiUrl: string, email: string, password: string): Promise<Session> {
  const res = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await json(res);
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(body)}`);
  return { email, accessToken: body.accessToken, userId: body.user.id, orgId: body.organization.id };
}

export async function ticket(apiUrl: string, s: Session): Promise<string> {
  const res = await fetch(`${apiUrl}/api/v1/realtime/ticket`, { method: 'POST', headers: { authorization: `Bearer ${s.accessToken}` } });
  const body = await json(res);
  if (res.status !== 201) throw new Error(`ticket: ${res.status} ${JSON.stringify(body)}`);
  return body.ticket;
}

export interface AgentSocket {
  label: string;
  room: string;
  events: number;
  closed: { code: number; reason: string } | null;
  close(): void;
}

/** `room` is a conversation id or "inbox". */
export async function connectAgent(
  apiUrl: string,
  s: Session,
  room: string,
  onEvent: (socket: AgentSocket, e: RealtimeEvent, at: number) => void,
): Promise<AgentSocket> {
  const t = await ticket(apiUrl, s);
  const path = room === 'inbox' ? '/api/v1/inbox/ws' : `/api/v1/conversations/${room}/ws`;
  const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}${path}?ticket=${encodeURIComponent(t)}`);
  const sock: AgentSocket = {
    label: `${s.email.split('@')[0]}→${room === 'inbox' ? 'inbox' : room.slice(-6)}`,
    room,
    events: 0,
    closed: null,
    close: () => {
      clearInterval(heartbeat);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'bench done');
    },
  };
  // The rooms close sockets that stop pinging (90 s): runs can be longer than that.
  const heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('ping'), 20_000);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${path}: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  ws.on('message', (data, isBinary) => {
    const at = performance.now();
    if (isBinary) return;
    const text = data.toString();
    if (text === 'pong') return;
    let e: RealtimeEvent;
    try {
      e = JSON.parse(text) as RealtimeEvent;
    } catch {
      return;
    }
    sock.events++;
    onEvent(sock, e, at);
  });
  ws.on('close', (code, reason) => {
    clearInterval(heartbeat);
    sock.closed = { code, reason: reason.toString() };
  });
  ws.on('error', () => {});
  return sock;
}
