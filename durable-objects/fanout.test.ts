import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ConversationRoom } from './conversation';
import { upgradeRequest } from './fanout';
import type { RealtimeEvent } from './protocol';

async function connect(stub: DurableObjectStub) {
  const res = await stub.fetch(upgradeRequest({ userId: crypto.randomUUID(), orgId: crypto.randomUUID(), role: 'agent', room: 'r' }));
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const received: RealtimeEvent[] = [];
  ws.addEventListener('message', (e) => {
    received.push(JSON.parse(e.data as string));
  });
  return { ws, received };
}

describe('fan-out room', () => {
  it('delivers each published event to every socket, in order, with increasing seq', async () => {
    const stub = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`org:${crypto.randomUUID()}`));
    const a = await connect(stub);
    const b = await connect(stub);
    await runInDurableObject(stub, async (room: ConversationRoom) => {
      expect(room.connections()).toBe(2);
      await room.publish('message.created', { id: 'm1' });
      await room.publish('message.updated', { id: 'm1', status: 'read' });
    });
    for (const client of [a, b]) {
      await expect.poll(() => client.received.length).toBe(2);
      expect(client.received).toEqual([
        { type: 'message.created', data: { id: 'm1' }, seq: 1 },
        { type: 'message.updated', data: { id: 'm1', status: 'read' }, seq: 2 },
      ]);
    }
    a.ws.close();
    b.ws.close();
  });

  it('keeps everything a socket needs in its attachment and storage, so hibernation loses nothing', async () => {
    const stub = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`org:${crypto.randomUUID()}`));
    const identity = { userId: crypto.randomUUID(), orgId: crypto.randomUUID(), role: 'manager' as const, room: 'c1' };
    const res = await stub.fetch(upgradeRequest(identity));
    res.webSocket!.accept();
    await runInDurableObject(stub, async (room: ConversationRoom, state) => {
      await room.publish('message.created', { id: 'm1' });
      const [socket] = state.getWebSockets();
      // What survives hibernation: the attachment (identity) and storage (seq, history) — the object holds no fields.
      expect(socket!.deserializeAttachment()).toMatchObject(identity);
      expect(state.getTags(socket!)).toEqual([identity.userId]);
      expect(await state.storage.get('seq')).toBe(1);
      expect(await state.storage.get('ev:000000000001')).toEqual({ type: 'message.created', data: { id: 'm1' }, seq: 1 });
      expect(Object.keys(room).filter((k) => !['ctx', 'env'].includes(k))).toEqual([]);
    });
    res.webSocket!.close();
  });

  it('answers 426 with the JSON error shape to a plain request', async () => {
    const stub = env.ORG_INBOX.get(env.ORG_INBOX.idFromName(crypto.randomUUID()));
    const res = await stub.fetch('http://inbox/');
    expect(res.status).toBe(426);
    expect(await res.json()).toEqual({ error: { code: 'upgrade_required', message: 'Expected a WebSocket' } });
  });
});
