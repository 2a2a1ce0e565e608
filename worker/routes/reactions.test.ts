// The business's reactions: one per organisation per message (a new one replaces the old, "" removes it), sent to
// WhatsApp through the outbound queue, shown live in the conversation room, with the reply route's access rules.
import { and, eq, isNotNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connect } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { conversations, messageReactions, messages, unroutableEvents } from '../db/schema';
import { isSingleEmoji } from '../schemas/messages';

const { db } = testDb();

interface Setup {
  admin: Session;
  ch: TestChannel;
  from: string;
  conv: { id: string };
  /** The customer's first message, with its wamid. */
  target: { id: string; providerMessageId: string };
}

async function setup(name = 'Reações'): Promise<Setup> {
  const admin = await signupOrg(name);
  const ch = await connectChannel(admin);
  const from = customerNumber();
  await postWebhook(fx.textMessage('Chegou o pedido?', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
  await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: from, lastInboundAt: new Date().toISOString() });
  const conv = await conversationOf(admin, from);
  const [target] = await messagesOf(admin, conv.id);
  return { admin, ch, from, conv, target };
}

const react = (s: Session, convId: string, messageId: string, emoji: unknown) =>
  api('POST', `/api/v1/conversations/${convId}/messages/${messageId}/reactions`, { token: s.accessToken, body: { emoji } });

/** The reactions the fake Meta received for this customer, oldest first. */
async function reactionsAtMeta(from: string) {
  const sent = (await fake('GET', `/sent?to=${from}`)).body.data as { id: string; request: { type: string; reaction?: { message_id: string; emoji: string } } }[];
  return sent.filter((m) => m.request.type === 'reaction');
}

describe('reactions from agents', () => {
  it('react, replace (one per organisation), repeat idempotently and remove; WhatsApp and the room hear each change', async () => {
    const { admin, ch, from, conv, target } = await setup();
    const agent = await addMember(admin.orgId, 'agent');
    const manager = await addMember(admin.orgId, 'manager');
    const room = await connect(manager, `/api/v1/conversations/${conv.id}/ws`);

    const first = await react(agent, conv.id, target.id, '👍');
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body.message).toMatchObject({ id: target.id, reactions: [{ emoji: '👍', userId: agent.userId, contactId: null }] });
    const live = await room.next('message.updated', (e) => (e.data as any).reactions?.some((r: any) => r.emoji === '👍'));
    expect(live.data).toMatchObject({ id: target.id, reactions: [{ emoji: '👍', userId: agent.userId }] });
    const [atMeta] = await eventually(async () => {
      const r = await reactionsAtMeta(from);
      return r.length === 1 && r;
    });
    expect(atMeta!.request.reaction).toEqual({ message_id: target.providerMessageId, emoji: '👍' });
    // The reaction keeps the wamid Meta gave it.
    await eventually(async () => {
      const [row] = await db.select().from(messageReactions).where(and(eq(messageReactions.messageId, target.id), isNotNull(messageReactions.userId)));
      return row?.providerMessageId === atMeta!.id;
    });

    // Another agent's reaction replaces the organisation's one.
    const second = await react(manager, conv.id, target.id, '❤️');
    expect(second.status).toBe(202);
    expect(second.body.message.reactions).toEqual([{ emoji: '❤️', userId: manager.userId, contactId: null }]);
    await eventually(async () => (await reactionsAtMeta(from)).length === 2);
    expect((await reactionsAtMeta(from))[1]!.request.reaction).toEqual({ message_id: target.providerMessageId, emoji: '❤️' });

    // The same emoji again changes nothing and sends nothing.
    const again = await react(agent, conv.id, target.id, '❤️');
    expect(again.status).toBe(202);
    expect(again.body.message.reactions).toEqual([{ emoji: '❤️', userId: manager.userId, contactId: null }]);

    const removed = await react(agent, conv.id, target.id, '');
    expect(removed.status).toBe(202);
    expect(removed.body.message.reactions).toEqual([]);
    await eventually(async () => (await reactionsAtMeta(from)).length === 3);
    await drainQueues();
    const all = await reactionsAtMeta(from);
    expect(all.map((m) => m.request.reaction!.emoji)).toEqual(['👍', '❤️', '']);
    await room.next('message.updated', (e) => e.seq > live.seq && (e.data as any).reactions.length === 0);
    // Removing what is not there is fine too, and sends nothing.
    expect((await react(agent, conv.id, target.id, '')).status).toBe(202);
    await drainQueues();
    expect(await reactionsAtMeta(from)).toHaveLength(3);

    // The customer's own reaction sits beside the business's.
    await react(agent, conv.id, target.id, '🙏');
    await postWebhook(fx.reactionMessage(target.providerMessageId, '😍', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const both = await eventually(async () => {
      const m = (await messagesOf(admin, conv.id)).find((x: { id: string }) => x.id === target.id);
      return m.reactions.length === 2 && m;
    });
    expect(both.reactions).toEqual(expect.arrayContaining([expect.objectContaining({ emoji: '🙏', userId: agent.userId }), expect.objectContaining({ emoji: '😍', userId: null })]));
    room.close();
  });

  it('validates the emoji: one grapheme, an emoji, at most 16 bytes', async () => {
    for (const ok of ['👍', '❤️', '👍🏽', '🇧🇷', '😂', '🙏', '1️⃣', '👩‍💻']) expect(isSingleEmoji(ok), ok).toBe(true);
    for (const bad of ['a', 'ok', '👍👍', '👨‍👩‍👧‍👦', ' 👍', '1', '#']) expect(isSingleEmoji(bad), bad).toBe(false);
    const { admin, conv, target } = await setup('Reações Inválidas');
    for (const emoji of ['ab', '👍👍', '👨‍👩‍👧‍👦', 5, null]) {
      const res = await react(admin, conv.id, target.id, emoji);
      expect(res.status, String(emoji)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await react(admin, conv.id, 'not-a-uuid', '👍')).status).toBe(400);
  });

  it('refuses notes, unsent messages, other conversations’ messages (422 not_reactable) and a closed window (422 window_closed)', async () => {
    const { admin, ch, conv, target } = await setup('Reações Recusadas');
    const note = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'note', text: 'Cliente VIP' } });
    expect(note.status).toBe(202);
    const onNote = await react(admin, conv.id, note.body.message.id, '👍');
    expect(onNote.status).toBe(422);
    expect(onNote.body.error.code).toBe('not_reactable');

    // A reply Meta refused has no wamid.
    const other = customerNumber();
    await fake('POST', '/fail-next', { code: 131026, to: other, delivery: 'sync' });
    await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: other, timestamp: nowSeconds() }));
    const otherConv = await conversationOf(admin, other);
    const [otherTarget] = await messagesOf(admin, otherConv.id);
    const reply = await api('POST', `/api/v1/conversations/${otherConv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Olá' } });
    await eventually(async () => (await messagesOf(admin, otherConv.id)).find((m: { id: string; status: string }) => m.id === reply.body.message.id && m.status === 'failed'));
    const onFailed = await react(admin, otherConv.id, reply.body.message.id, '👍');
    expect(onFailed.status).toBe(422);
    expect(onFailed.body.error.code).toBe('not_reactable');

    // A message of this organisation, but of another conversation.
    const elsewhere = await react(admin, otherConv.id, target.id, '👍');
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('not_reactable');
    // No such message at all.
    expect((await react(admin, conv.id, crypto.randomUUID(), '👍')).status).toBe(404);
    // A message the customer deleted.
    await db.update(messages).set({ deletedAt: new Date() }).where(eq(messages.id, otherTarget.id));
    const onDeleted = await react(admin, otherConv.id, otherTarget.id, '👍');
    expect(onDeleted.status).toBe(422);
    expect(onDeleted.body.error.code).toBe('not_reactable');

    await db.update(conversations).set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) }).where(eq(conversations.id, conv.id));
    const closed = await react(admin, conv.id, target.id, '👍');
    expect(closed.status).toBe(422);
    expect(closed.body.error.code).toBe('window_closed');
    expect((await messagesOf(admin, conv.id)).find((m: { id: string }) => m.id === target.id).reactions).toEqual([]);
  });

  it('follows the reply rules: agents only in their own or unassigned conversations; another tenant’s ids are 404 and audited', async () => {
    const { admin, conv, target } = await setup('Reações Protegidas');
    const owner = await addMember(admin.orgId, 'agent');
    const outsider = await addMember(admin.orgId, 'agent');
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: owner.userId } })).status).toBe(200);
    expect((await react(outsider, conv.id, target.id, '👍')).status).toBe(403);
    expect((await react(owner, conv.id, target.id, '👍')).status).toBe(202);

    const intruder = await setup('Reações Intrusas');
    const foreignConv = await react(intruder.admin, conv.id, target.id, '😈');
    expect(foreignConv.status).toBe(404);
    expect(foreignConv.body.error.code).toBe('not_found');
    // Their own conversation, our message id.
    const foreignMsg = await react(intruder.admin, intruder.conv.id, target.id, '😈');
    expect(foreignMsg.status).toBe(404);
    const audit = await api('GET', '/api/v1/audit-logs?action=security.cross_tenant_attempt', { token: intruder.admin.accessToken });
    expect(audit.body.data.map((e: { targetType: string; targetId: string }) => [e.targetType, e.targetId]).sort()).toEqual(
      [['conversation', conv.id], ['message', target.id]].sort(),
    );
    expect((await messagesOf(admin, conv.id)).find((m: { id: string }) => m.id === target.id).reactions).toEqual([
      { emoji: '👍', userId: owner.userId, contactId: null },
    ]);
    expect((await api('POST', `/api/v1/conversations/${conv.id}/messages/${target.id}/reactions`, { body: { emoji: '👍' } })).status).toBe(401);
  });

  it('Meta’s statuses for our reactions are not unknown messages; a failed one takes the reaction back', async () => {
    const { admin, ch, from, conv, target } = await setup('Reações e Status');
    await react(admin, conv.id, target.id, '🔥');
    const [sent] = await eventually(async () => {
      const r = await reactionsAtMeta(from);
      const [row] = await db.select().from(messageReactions).where(and(eq(messageReactions.messageId, target.id), isNotNull(messageReactions.userId)));
      return r.length === 1 && row?.providerMessageId === r[0]!.id && r;
    });
    const st = (value: string) => fx.status(value, { id: sent!.id, recipientId: from, timestamp: nowSeconds() });
    expect((await postWebhook(fx.statusesWebhook([st('sent')], { phoneNumberId: ch.phoneNumberId }))).status).toBe(200);
    await drainQueues();
    const stray = await db.select().from(unroutableEvents).where(eq(unroutableEvents.phoneNumberId, ch.phoneNumberId));
    expect(stray).toEqual([]);
    expect((await messagesOf(admin, conv.id)).find((m: { id: string }) => m.id === target.id).reactions).toHaveLength(1);

    expect((await postWebhook(fx.statusesWebhook([st('failed')], { phoneNumberId: ch.phoneNumberId }))).status).toBe(200);
    await eventually(async () => (await messagesOf(admin, conv.id)).find((m: { id: string }) => m.id === target.id).reactions.length === 0);
  });
});

