// Realtime never silently misses: a room or inbox that refuses a publish (injected at its binding) gets the events
// again through the queue; one that keeps refusing has its sockets told to resync, with a seq of its own so the
// browser's gap detection fires for sockets that reconnect later too.
import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { signupOrg, testDb } from '../../test/harness';
import { drainQueues } from '../../test/drain';
import { connect } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import worker from '../index';
import type { Env } from '../env';
import { messages } from '../db/schema';
import { createLogger } from '../lib/log';
import { QUEUE_NAMES } from '../../queues/messages';
import { NOTIFY_MAX_ATTEMPTS, notifyStored } from './notify';
import { UNWATCH_GRACE_MS } from '../../durable-objects/conversation';

const { db } = testDb();
const log = createLogger({}, 'silent');

type Call = (...args: unknown[]) => unknown;

/** A Durable Object binding whose stubs' RPC calls go through `intercept` (given the real call), everything else real. */
function wrapped(binding: unknown, intercept: (method: string, real: Call) => Call) {
  const ns = binding as { idFromName(name: string): unknown; get(id: unknown): unknown };
  return {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: unknown) => {
      const stub = ns.get(id) as unknown as Record<string | symbol, Call>;
      return new Proxy(stub, {
        get(target, prop) {
          if (prop === 'then') return undefined;
          // RPC methods are called on the stub itself (binding them would make an RPC call named "bind").
          return intercept(String(prop), (...args) => target[prop]!(...args));
        },
      });
    },
  };
}

/**
 * Stubs that refuse `publishMany` the first `times` calls, and the inbox's `route` always (so the notifier falls
 * back to publishing room by room from here, where the faults are injected).
 */
function refusingPublish(binding: unknown, times: number) {
  const state = { refused: 0 };
  const refusing = wrapped(binding, (method, real) => {
    if (method === 'route') return async () => Promise.reject(new Error('injected fault: the inbox cannot route'));
    if (method !== 'publishMany') return real;
    return async (...args) => {
      if (state.refused >= times) return real(...args);
      state.refused++;
      throw new Error('injected fault: the room is unavailable');
    };
  });
  return { binding: refusing, state };
}

/** Stubs that count the calls made through them, by method. */
function counting(binding: unknown) {
  const calls: Record<string, number> = {};
  const binding_ = wrapped(binding, (method, real) => (...args) => {
    calls[method] = (calls[method] ?? 0) + 1;
    return real(...args);
  });
  return { calls, binding: binding_ };
}

async function setup() {
  const admin = await signupOrg('Sem Lacunas');
  const ch = await connectChannel(admin);
  const from = customerNumber();
  await postWebhook(fx.textMessage('Olá', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
  const conv = await conversationOf(admin, from);
  const [message] = await db.select().from(messages).where(eq(messages.conversationId, conv.id));
  await drainQueues();
  return { admin, conv, message: message! };
}

describe('realtime notify failures', () => {
  it('retries what a room and the inbox refused through the queue; the sockets get it, once', async () => {
    const { admin, conv, message } = await setup();
    const room = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    const inbox = await connect(admin, '/api/v1/inbox/ws');
    const rooms = refusingPublish(env.CONVERSATION_ROOM, 1);
    const inboxes = refusingPublish(env.ORG_INBOX, 1);
    const faulty = { ...env, CONVERSATION_ROOM: rooms.binding, ORG_INBOX: inboxes.binding } as unknown as Env;

    await notifyStored(faulty, db, admin.orgId, { created: [], updated: [message], conversationIds: [conv.id] }, log);
    expect(rooms.state.refused).toBe(1);
    expect(inboxes.state.refused).toBe(1);
    const updated = await room.next('message.updated', (e) => (e.data as { id: string }).id === message.id);
    await inbox.next('conversation.updated', (e) => (e.data as { id: string }).id === conv.id);
    await drainQueues();
    expect(room.events.filter((e) => e.type === 'message.updated')).toHaveLength(1);
    expect(room.events.some((e) => e.type === 'resync')).toBe(false);
    expect(updated.seq).toBeGreaterThan(0);
    room.close();
    inbox.close();
  });

  it('tells the room’s sockets to resync when the retries are used up; a socket reconnecting later gets it too', async () => {
    const { admin, conv, message } = await setup();
    const room = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    // The seq the client has seen so far (none: the customer's message came before anyone watched).
    const seen = (await runInDurableObject(env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${admin.orgId}:${conv.id}`)), (_r, state) => state.storage.get<number>('seq'))) ?? 0;

    const rooms = refusingPublish(env.CONVERSATION_ROOM, Number.POSITIVE_INFINITY);
    const faulty = { ...env, CONVERSATION_ROOM: rooms.binding } as unknown as Env;
    const body = { type: 'realtime.notify', organizationId: admin.orgId, conversationId: conv.id, events: [{ type: 'message.updated', data: { id: message.id } }] };

    // Not the last try: retried.
    let batch = createMessageBatch(QUEUE_NAMES.outbound, [{ id: `n-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
    let ctx = createExecutionContext();
    await worker.queue(batch, faulty, ctx);
    let result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toHaveLength(1);
    expect(room.events.some((e) => e.type === 'resync')).toBe(false);

    // The last: the sockets resync instead of silently missing the event.
    batch = createMessageBatch(QUEUE_NAMES.outbound, [{ id: `n-${crypto.randomUUID()}`, timestamp: new Date(), attempts: NOTIFY_MAX_ATTEMPTS, body }]);
    ctx = createExecutionContext();
    await worker.queue(batch, faulty, ctx);
    result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    const resync = await room.next('resync');
    expect(resync).toEqual({ type: 'resync', data: { reason: 'missed_events' }, seq: seen + 1 });

    // A browser that was offline resumes from the seq it saw and is told to reload, not handed a silent gap.
    const later = await connect(admin, `/api/v1/conversations/${conv.id}/ws`, seen);
    const replayed = await later.next('resync');
    expect(replayed.seq).toBe(seen + 1);
    room.close();
    later.close();
  });
});

/** Customers' first messages stored (queues not drained: earlier tests leave retries with a long backoff). */
async function customersWrote(orgName: string, customers: number) {
  const admin = await signupOrg(orgName);
  const ch = await connectChannel(admin);
  const convs = [];
  for (let i = 0; i < customers; i++) {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    convs.push(await conversationOf(admin, from));
  }
  const stored = await eventually(async () => {
    const rows = await db.select().from(messages).where(eq(messages.organizationId, admin.orgId));
    return rows.length === customers ? rows : null;
  });
  return { admin, convs, stored };
}

describe('realtime fan-out of a batch', () => {
  it('reaches several rooms and the inbox through one call to the organisation’s inbox object', async () => {
    const admin = await signupOrg('Uma Chamada');
    const ch = await connectChannel(admin);
    const convs = [];
    for (const from of [customerNumber(), customerNumber()]) {
      await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
      convs.push(await conversationOf(admin, from));
    }
    // Not drainQueues: the test before leaves retries with a long backoff; both messages stored is enough here.
    const stored = await eventually(async () => {
      const rows = await db.select().from(messages).where(eq(messages.organizationId, admin.orgId));
      return rows.length === 2 ? rows : null;
    });
    const rooms = await Promise.all(convs.map((c) => connect(admin, `/api/v1/conversations/${c.id}/ws`)));
    const inbox = await connect(admin, '/api/v1/inbox/ws');
    const roomCalls = counting(env.CONVERSATION_ROOM);
    const inboxCalls = counting(env.ORG_INBOX);
    const counted = { ...env, CONVERSATION_ROOM: roomCalls.binding, ORG_INBOX: inboxCalls.binding } as unknown as Env;

    await notifyStored(counted, db, admin.orgId, { created: [], updated: stored, conversationIds: convs.map((c) => c.id) }, log);
    expect(inboxCalls.calls).toEqual({ route: 1 });
    expect(roomCalls.calls).toEqual({});
    for (const [i, c] of convs.entries()) {
      const m = stored.find((s) => s.conversationId === c.id)!;
      await rooms[i]!.next('message.updated', (e) => (e.data as { id: string }).id === m.id);
      await inbox.next('conversation.updated', (e) => (e.data as { id: string }).id === c.id);
    }
    for (const r of rooms) r.close();
    inbox.close();
  });

  it('sends nothing to a conversation nobody has open: no room object stores it, while a watched one gets it', async () => {
    const { admin, convs, stored } = await customersWrote('Ninguém Olhando', 2);
    const [watched, unwatched] = convs as [(typeof convs)[0], (typeof convs)[0]];
    const room = await connect(admin, `/api/v1/conversations/${watched.id}/ws`);
    const roomCalls = counting(env.CONVERSATION_ROOM);
    const counted = { ...env, CONVERSATION_ROOM: roomCalls.binding } as unknown as Env;

    // Through the inbox, and for the unwatched conversation alone too (no inbox event): neither reaches its room.
    await notifyStored(counted, db, admin.orgId, { created: [], updated: stored, conversationIds: convs.map((c) => c.id) }, log);
    await notifyStored(counted, db, admin.orgId, { created: [], updated: stored.filter((m) => m.conversationId === unwatched.id), conversationIds: [] }, log);
    await room.next('message.updated', (e) => (e.data as { id: string }).id === stored.find((m) => m.conversationId === watched.id)!.id);
    expect(roomCalls.calls).toEqual({});
    const seqOf = (conversationId: string) =>
      runInDurableObject(env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${admin.orgId}:${conversationId}`)), (_room, state) => state.storage.get<number>('seq'));
    expect(await seqOf(unwatched.id)).toBeUndefined();
    expect(await seqOf(watched.id)).toBe(1);
    room.close();
  });

  it('tells a socket resuming after its room went unwatched to reload, since what came meanwhile was not kept', async () => {
    const { admin, convs, stored } = await customersWrote('Volta Depois', 1);
    const [conv, message] = [convs[0]!, stored[0]!];
    const inboxState = (id: string) =>
      runInDurableObject(env.ORG_INBOX.get(env.ORG_INBOX.idFromName(admin.orgId)), (_inbox, state) => state.storage.get<{ on: boolean }>(`watch:${id}`));
    const first = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    expect((await inboxState(conv.id))?.on).toBe(true);
    await notifyStored(env, db, admin.orgId, { created: [], updated: [message], conversationIds: [] }, log);
    const seen = await first.next('message.updated');
    first.close();
    // Still watched during the grace after the last socket left; then the room's alarm reports it unwatched.
    const room = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${admin.orgId}:${conv.id}`));
    const unwatchAt = await eventually(() => runInDurableObject(room, (_r, state) => state.storage.get<number>('unwatchAt')));
    expect(unwatchAt - Date.now()).toBeGreaterThan(UNWATCH_GRACE_MS - 10_000);
    expect((await inboxState(conv.id))?.on).toBe(true);
    await runInDurableObject(room, (_r, state) => state.storage.put('unwatchAt', Date.now() - 1));
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await inboxState(conv.id))?.on).toBe(false);

    // Routed while nobody watched: skipped. The client that comes back with the seq it saw must not trust a replay.
    await notifyStored(env, db, admin.orgId, { created: [], updated: [message], conversationIds: [] }, log);
    const back = await connect(admin, `/api/v1/conversations/${conv.id}/ws`, seen.seq);
    const resync = await back.next('resync');
    expect(resync.data).toEqual({ reason: 'history_gone' });
    expect((await inboxState(conv.id))?.on).toBe(true);
    // Watched again: events flow, and a resume from a seq stored since then replays normally.
    await notifyStored(env, db, admin.orgId, { created: [], updated: [message], conversationIds: [] }, log);
    await notifyStored(env, db, admin.orgId, { created: [], updated: [message], conversationIds: [] }, log);
    const since = await eventually(async () => {
      const got = back.events.filter((e) => e.type === 'message.updated');
      return got.length === 2 ? got : null;
    });
    expect(since[1]!.seq).toBe(since[0]!.seq + 1);
    const third = await connect(admin, `/api/v1/conversations/${conv.id}/ws`, since[0]!.seq);
    expect((await third.next('message.updated')).seq).toBe(since[1]!.seq);
    expect(third.events.filter((e) => e.type === 'resync')).toEqual([]);
    back.close();
    third.close();
  });

  it('keeps the latest of racing watch reports: an older "unwatched" does not hide an open socket', async () => {
    const inbox = env.ORG_INBOX.get(env.ORG_INBOX.idFromName(crypto.randomUUID()));
    await inbox.watchRoom('c1', true, 2);
    await inbox.watchRoom('c1', false, 1);
    expect(await runInDurableObject(inbox, (_i, state) => state.storage.get('watch:c1'))).toEqual({ v: 2, on: true });
    await inbox.watchRoom('c1', false, 3);
    expect(await runInDurableObject(inbox, (_i, state) => state.storage.get('watch:c1'))).toEqual({ v: 3, on: false });
  });
});
