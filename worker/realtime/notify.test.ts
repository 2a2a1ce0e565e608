// Realtime never silently misses: a room or inbox that refuses a publish (injected at its binding) gets the events
// again through the queue; one that keeps refusing has its sockets told to resync, with a seq of its own so the
// browser's gap detection fires for sockets that reconnect later too.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
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

const { db } = testDb();
const log = createLogger({}, 'silent');

/** A Durable Object binding whose stubs refuse `publishMany` the first `times` calls (everything else is real). */
function refusingPublish(binding: unknown, times: number) {
  const ns = binding as { idFromName(name: string): unknown; get(id: unknown): unknown };
  const state = { refused: 0 };
  const refusing = {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: unknown) => {
      const stub = ns.get(id) as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
      return new Proxy(stub, {
        get(target, prop) {
          if (prop === 'then') return undefined;
          if (prop === 'publishMany' && state.refused < times) {
            return async () => {
              state.refused++;
              throw new Error('injected fault: the room is unavailable');
            };
          }
          // RPC methods are called on the stub itself (binding them would make an RPC call named "bind").
          return (...args: unknown[]) => target[prop]!(...args);
        },
      });
    },
  };
  return { binding: refusing, state };
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
    // The seq the client has seen so far (the customer's message).
    const ping = await connect(admin, `/api/v1/conversations/${conv.id}/ws`, 0);
    const seen = await eventually(async () => ping.events.at(-1)?.seq);
    ping.close();

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
