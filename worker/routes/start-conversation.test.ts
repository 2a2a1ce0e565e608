// POST /api/v1/conversations (issue 15, feature 9): writing first — to a contact created by hand or a typed number —
// with a template on Meta's Cloud API or text on a number connected by QR code.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectEvolution, evolutionSent, type EvolutionChannel } from '../../test/evolution';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, eventually, fake, type TestChannel } from '../../test/whatsapp';
import { contacts, conversations } from '../db/schema';

const { db } = testDb();
const TEMPLATE = { name: 'boas_vindas', language: 'pt_BR', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Joana' }] }] };

describe('POST /api/v1/conversations', () => {
  let admin: Session;
  let meta: TestChannel;
  let evo: EvolutionChannel;
  beforeAll(async () => {
    admin = await signupOrg('Ateliê Joana');
    meta = await connectChannel(admin);
    evo = await connectEvolution(admin);
    await fake('POST', '/templates', { wabaId: meta.wabaId, name: 'boas_vindas', language: 'pt_BR', components: [{ type: 'BODY', text: 'Olá {{1}}! Aqui é do Ateliê Joana.' }] });
    expect((await api('POST', `/api/v1/channels/${meta.id}/templates/sync`, { token: admin.accessToken })).status).toBe(200);
  });
  const start = (s: Session, body: unknown) => api('POST', '/api/v1/conversations', { token: s.accessToken, body });

  it('starts one with a contact created by hand, by template: assigned to the starter, sent to their number', async () => {
    const created = await api('POST', '/api/v1/contacts', { token: admin.accessToken, body: { name: 'Joana Prado', phone: '(11) 98765-1001' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const contactId = created.body.contact.id;
    const res = await start(admin, { contactId, channelId: meta.id, template: TEMPLATE });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.conversation).toMatchObject({ channelId: meta.id, assigneeId: admin.userId, status: 'open', contact: { id: contactId, waId: '5511987651001' } });
    expect(res.body.message).toMatchObject({ kind: 'template', status: 'queued', body: 'Olá Joana! Aqui é do Ateliê Joana.' });
    const atMeta = await eventually(async () => (await fake('GET', '/sent?to=5511987651001')).body.data[0]);
    expect(atMeta.request).toMatchObject({ type: 'template', template: { name: 'boas_vindas' } });
    // Starting again continues the same conversation.
    const again = await start(admin, { contactId, channelId: meta.id, template: TEMPLATE });
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(res.body.conversation.id);
  });

  it('starts one with a typed number, creating the contact; an agent’s is theirs', async () => {
    const agent = await addMember(admin.orgId, 'agent');
    const res = await start(agent, { phone: '+55 21 99876-2002', name: 'Bruno Lima', channelId: meta.id, template: TEMPLATE });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.conversation).toMatchObject({ assigneeId: agent.userId, contact: { name: 'Bruno Lima', phone: '+5521998762002' } });
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, res.body.conversation.contact.id));
    expect(contact!.waId).toBe('5521998762002');
    // The agent sees it in the inbox and can write in it.
    const list = await api('GET', '/api/v1/conversations?limit=100', { token: agent.accessToken });
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(res.body.conversation.id);
  });

  it('on Meta, free text cannot open a conversation (422 window_closed) and nothing is left behind', async () => {
    const before = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.organizationId, admin.orgId));
    const res = await start(admin, { phone: '+55 31 99876-3003', channelId: meta.id, text: 'Oi!' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('window_closed');
    const after = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.organizationId, admin.orgId));
    expect(after).toHaveLength(before.length);
  });

  it('on a number connected by QR code, text opens it and goes out through Evolution', async () => {
    const res = await start(admin, { phone: '(41) 99876-4004', channelId: evo.id, text: 'Olá! Seu pedido ficou pronto.' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const sent = await eventually(async () => (await evolutionSent(evo)).find((s) => s.body?.text === 'Olá! Seu pedido ficou pronto.'));
    expect(sent.body.number).toBe('5541998764004');
    expect((await start(admin, { phone: '(41) 99876-4004', channelId: evo.id, template: TEMPLATE })).body.error.code).toBe('templates_unsupported');
  });

  it('refuses bad input with 400 and other organisations’ ids with 404', async () => {
    const other = await signupOrg('Outra');
    const otherChannel = await connectChannel(other);
    const theirs = await api('POST', '/api/v1/contacts', { token: other.accessToken, body: { name: 'X', phone: '+55 11 98888-0000' } });
    const cases: [unknown, number, string?][] = [
      [{ channelId: meta.id, template: TEMPLATE }, 400],
      [{ phone: '+55 11 98765-0000', contactId: theirs.body.contact.id, channelId: meta.id, template: TEMPLATE }, 400],
      [{ phone: '+55 11 98765-0000', channelId: meta.id }, 400],
      [{ phone: '123', channelId: meta.id, template: TEMPLATE }, 400, 'invalid_phone'],
      [{ phone: '+55 11 98765-0000', channelId: otherChannel.id, template: TEMPLATE }, 404],
      [{ contactId: theirs.body.contact.id, channelId: meta.id, template: TEMPLATE }, 404],
    ];
    for (const [body, status, code] of cases) {
      const res = await start(admin, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (code) expect(res.body.error.code).toBe(code);
    }
  });
});
