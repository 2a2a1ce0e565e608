import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ConversationRoom } from './conversation';
import { upgradeRequest } from './fanout';
import { HISTORY_LIMIT, type RealtimeEvent } from './protocol';

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

  it('keeps history bounded to the last 500 events however events are grouped per publish', async () => {
    const stub = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`org:${crypto.randomUUID()}`));
    // One, then pairs: seq only ever lands on odd numbers, never on a multiple of 50 (the old trim point).
    const total = await runInDurableObject(stub, async (room: ConversationRoom, state) => {
      await room.publish('message.created', { n: 1 });
      for (let i = 0; i < 400; i++) await room.publishMany([{ type: 'message.created', data: { n: 2 * i + 2 } }, { type: 'message.created', data: { n: 2 * i + 3 } }]);
      // And one large publish, past a whole trim batch at once.
      await room.publishMany(Array.from({ length: 300 }, (_, i) => ({ type: 'message.updated', data: { n: 802 + i } })));
      const seq = (await state.storage.get<number>('seq'))!;
      const kept = [...(await state.storage.list<RealtimeEvent>({ prefix: 'ev:' })).values()].map((e) => e.seq);
      expect(kept).toHaveLength(HISTORY_LIMIT);
      expect(kept[0]).toBe(seq - HISTORY_LIMIT + 1);
      expect(kept.at(-1)).toBe(seq);
      return seq;
    });
    expect(total).toBe(1101);
    // A client exactly HISTORY_LIMIT behind still catches up event by event; one further behind is told to resync.
    const res = await stub.fetch(upgradeRequest({ userId: crypto.randomUUID(), orgId: crypto.randomUUID(), role: 'agent', room: 'r' }, total - HISTORY_LIMIT));
    const ws = res.webSocket!;
    const replayed: RealtimeEvent[] = [];
    ws.addEventListener('message', (e) => {
      replayed.push(JSON.parse(e.data as string));
    });
    ws.accept();
    await expect.poll(() => replayed.length).toBe(HISTORY_LIMIT);
    expect(replayed[0]!.seq).toBe(total - HISTORY_LIMIT + 1);
    ws.close();
    const behind = await stub.fetch(upgradeRequest({ userId: crypto.randomUUID(), orgId: crypto.randomUUID(), role: 'agent', room: 'r' }, total - HISTORY_LIMIT - 1));
    const old = behind.webSocket!;
    const got: RealtimeEvent[] = [];
    old.addEventListener('message', (e) => {
      got.push(JSON.parse(e.data as string));
    });
    old.accept();
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toEqual({ type: 'resync', data: { reason: 'history_gone' }, seq: total });
    old.close();
  });

  it('resync is a stored event with its own seq, sent to every socket', async () => {
    const stub = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`org:${crypto.randomUUID()}`));
    const a = await connect(stub);
    await runInDurableObject(stub, async (room: ConversationRoom) => {
      await room.publish('message.created', { id: 'm1' });
      await room.resync('missed_events');
    });
    await expect.poll(() => a.received.length).toBe(2);
    expect(a.received[1]).toEqual({ type: 'resync', data: { reason: 'missed_events' }, seq: 2 });
    a.ws.close();
  });
});
