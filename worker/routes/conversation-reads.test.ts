import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, fake, nowSeconds, postWebhook } from '../../test/whatsapp';

// Issue 15 §10: opening a chat marks it read only for the one who opens it; WhatsApp's read receipt goes out only when
// the assignee (or anyone, while unassigned) reads it.
async function setup() {
  const admin = await signupOrg('Leituras');
  const ch = await connectChannel(admin);
  const from = customerNumber();
  const wamids: string[] = [];
  const say = async (text: string) => {
    const id = fx.wamid();
    wamids.push(id);
    const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(), id };
    expect((await postWebhook(fx.textMessage(text, o))).status).toBe(200);
  };
  await say('Oi, bom dia');
  const conv = await conversationOf(admin, from);
  const unreadFor = async (s: Session) => {
    const list = await api('GET', '/api/v1/conversations', { token: s.accessToken });
    return (list.body.data as any[]).find((r) => r.id === conv.id)?.unreadCount as number;
  };
  const receipts = async () =>
    ((await fake('GET', '/requests')).body.data as any[]).filter((r) => r.path.includes(`${ch.phoneNumberId}/messages`) && r.body?.status === 'read').map((r) => r.body.message_id as string);
  const read = async (s: Session) => expect((await api('POST', `/api/v1/conversations/${conv.id}/read`, { token: s.accessToken })).status).toBe(204);
  return { admin, conv, say, wamids, unreadFor, receipts, read };
}

describe('reading a conversation', () => {
  it('is read only for the one who opened it; a manager glancing sends no blue ticks, the assignee does', async () => {
    const { admin, conv, say, wamids, unreadFor, receipts, read } = await setup();
    const ana = await addMember(admin.orgId, 'agent');
    const gerente = await addMember(admin.orgId, 'manager');
    const outro = await addMember(admin.orgId, 'manager');
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: ana.userId } })).status).toBe(200);
    await say('Alguém aí?');
    await eventually(async () => (await unreadFor(ana)) === 2);

    await read(gerente);
    expect(await unreadFor(gerente)).toBe(0);
    expect(await unreadFor(ana)).toBe(2);
    expect(await unreadFor(outro)).toBe(2);
    expect(await receipts()).not.toContain(wamids[1]);

    await read(ana);
    expect(await unreadFor(ana)).toBe(0);
    expect(await unreadFor(outro)).toBe(0);
    expect(await receipts()).toContain(wamids[1]);

    // A new message is unread again for everyone, counted from each one's own read.
    await say('Preciso de ajuda com o pedido');
    await eventually(async () => (await unreadFor(ana)) === 1);
    expect(await unreadFor(gerente)).toBe(1);
    expect(await unreadFor(outro)).toBe(1);
    const detail = await api('GET', `/api/v1/conversations/${conv.id}`, { token: gerente.accessToken });
    expect(detail.body.conversation.unreadCount).toBe(1);
    expect(detail.body.conversation.unreadBy).toMatchObject({ [gerente.userId]: 1, [ana.userId]: 1 });
  });

  it('unassigned, anyone reading it is the one answering: receipts go out and it is read for those who never opened it', async () => {
    const { admin, say, wamids, unreadFor, receipts, read } = await setup();
    const bia = await addMember(admin.orgId, 'agent');
    const caio = await addMember(admin.orgId, 'agent');
    await say('Segunda');
    await eventually(async () => (await unreadFor(bia)) === 2);
    await read(bia);
    expect(await receipts()).toContain(wamids[1]);
    expect(await unreadFor(bia)).toBe(0);
    expect(await unreadFor(caio)).toBe(0);
  });

  it('replying reads it for the one who replies; resolving leaves nothing unread for anyone', async () => {
    const { admin, conv, say, unreadFor, read } = await setup();
    const dani = await addMember(admin.orgId, 'agent');
    const gerente = await addMember(admin.orgId, 'manager');
    await read(gerente);
    await say('Mais uma');
    await eventually(async () => (await unreadFor(gerente)) === 1);
    const sent = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: dani.accessToken, body: { type: 'text', text: 'Olá! Já vejo.' } });
    expect(sent.status).toBeLessThan(300);
    expect(await unreadFor(dani)).toBe(0);
    expect(await unreadFor(gerente)).toBe(1);
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: dani.accessToken, body: { status: 'resolved' } })).status).toBe(200);
    expect(await unreadFor(gerente)).toBe(0);
  });
});
