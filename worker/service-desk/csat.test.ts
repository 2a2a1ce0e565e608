import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import * as evo from '../../queues/evolution/fixtures';
import { drainQueues } from '../../test/drain';
import { connectEvolution, evolutionNumber, evolutionSent, evolutionWrites, postEvolution } from '../../test/evolution';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { auditLogs, conversations, csatResponses } from '../db/schema';
import { DEFAULT_BOT, DEFAULT_CSAT } from '../schemas/service-desk';

// Issue 17 §5: the satisfaction survey after a person resolves a conversation. Real worker, queues, Postgres and the
// fake Meta.
const { db, pool } = testDb();
afterAll(() => pool.end());

async function setup(csat: Partial<typeof DEFAULT_CSAT> = { enabled: true }) {
  const admin = await signupOrg('Loja com Pesquisa');
  const ch = await connectChannel(admin);
  const bia = await addMember(admin.orgId, 'agent');
  const put = await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { csat: { ...DEFAULT_CSAT, ...csat } } });
  expect(put.status).toBe(200);
  expect(put.body.csat).toMatchObject({ ...DEFAULT_CSAT, ...csat });
  return { admin, ch, bia };
}

function customer(ch: TestChannel) {
  const from = customerNumber();
  const o = () => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(), id: fx.wamid() });
  return {
    from,
    says: async (text: string) => expect((await postWebhook(fx.textMessage(text, o()))).status).toBe(200),
    picks: async (id: string, title: string) => expect((await postWebhook(fx.listReplyMessage(id, title, '', o()))).status).toBe(200),
    /** What the business sent this customer, at the fake Meta. */
    received: async () => (await fake('GET', `/sent?to=${from}`)).body.data as { type: string; request: any }[],
  };
}

/** The customer's conversations in this organisation, oldest first (resolved ones included). */
const conversationsOf = (orgId: string) => db.select().from(conversations).where(eq(conversations.organizationId, orgId)).orderBy(conversations.createdAt);
const detail = async (s: Session, id: string) => (await api('GET', `/api/v1/conversations/${id}`, { token: s.accessToken })).body.conversation;
const resolve = async (s: Session, id: string) => expect((await api('PATCH', `/api/v1/conversations/${id}`, { token: s.accessToken, body: { status: 'resolved' } })).status).toBe(200);

/** A customer writes, Bia takes the conversation and resolves it. */
async function servedAndResolved(admin: Session, bia: Session, ch: TestChannel) {
  const c = customer(ch);
  await c.says('Meu pedido chegou quebrado');
  const conv = await eventually(async () => (await conversationsOf(admin.orgId)).find((x) => x.contactId && x.status === 'open' && !x.assigneeId));
  expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: bia.accessToken, body: { assigneeId: bia.userId } })).status).toBe(200);
  await resolve(bia, conv.id);
  return { c, conv };
}

describe('satisfaction survey', () => {
  it('asks on resolve with a list, records the tapped rating and a comment in the resolved conversation, thanks once', async () => {
    const { admin, ch, bia } = await setup();
    const { c, conv } = await servedAndResolved(admin, bia, ch);

    const question = await eventually(async () => (await c.received()).find((m) => m.type === 'interactive'));
    expect(question.request.interactive).toMatchObject({ type: 'list', body: { text: DEFAULT_CSAT.question }, action: { button: 'Avaliar' } });
    expect(question.request.interactive.action.sections[0].rows.map((r: any) => r.id)).toEqual(['csat:5', 'csat:4', 'csat:3', 'csat:2', 'csat:1']);
    expect(question.request.interactive.action.sections[0].rows[0].title).toBe('5 - Excelente');
    expect(await detail(admin, conv.id)).toMatchObject({ status: 'resolved', csat: { rating: null, comment: null, answeredAt: null } });
    const [asked] = (await messagesOf(admin, conv.id)).filter((m) => m.payload?.automatic === 'csat_question');
    expect(asked).toMatchObject({ direction: 'outbound', kind: 'interactive', senderUserId: null });
    expect(asked.body).toContain('*5* - Excelente');
    const [audit] = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'conversation.automatic_message')));
    expect(audit).toMatchObject({ actorType: 'system', targetId: conv.id, metadata: { reason: 'csat_question' } });

    await c.picks('csat:5', '5 - Excelente');
    const prompt = await eventually(async () => (await c.received()).find((m) => m.type === 'text'));
    expect(prompt.request.text.body).toBe(DEFAULT_CSAT.commentPrompt);
    const rated = await detail(admin, conv.id);
    expect(rated).toMatchObject({ status: 'resolved', unreadCount: 0, csat: { rating: 5, comment: null } });
    expect(rated.csat.answeredAt).toBeTruthy();

    await c.says('Atendimento rápido, a Bia foi ótima');
    await eventually(async () => (await c.received()).filter((m) => m.type === 'text').length === 2);
    expect((await c.received()).at(-1)!.request.text.body).toBe(DEFAULT_CSAT.thanks);
    expect((await detail(admin, conv.id)).csat).toMatchObject({ rating: 5, comment: 'Atendimento rápido, a Bia foi ótima' });
    // Both answers sit in the resolved conversation: no new one in the inbox.
    const inChat = (await messagesOf(admin, conv.id)).filter((m) => m.direction === 'inbound').map((m) => m.body).reverse();
    expect(inChat).toEqual(['Meu pedido chegou quebrado', '5 - Excelente', 'Atendimento rápido, a Bia foi ótima']);
    expect(await conversationsOf(admin.orgId)).toHaveLength(1);
    const [row] = await db.select().from(csatResponses).where(eq(csatResponses.conversationId, conv.id));
    expect(row).toMatchObject({ agentId: bia.userId, channelId: ch.id, rating: 5 });

    // Asked once per conversation: reopened and resolved again, nobody asks a second time.
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: bia.accessToken, body: { status: 'open' } })).status).toBe(200);
    await resolve(bia, conv.id);
    // Done: the next message is a new conversation.
    await c.says('Outra coisa: vocês têm a cor azul?');
    await eventually(async () => (await conversationsOf(admin.orgId)).length === 2);
    await drainQueues();
    expect(await c.received()).toHaveLength(3);
  });

  it('a typed rating works too ("nota 4"); the team list averages each agent’s ratings', async () => {
    const { admin, ch, bia } = await setup();
    const first = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await first.c.received()).length === 1);
    await first.c.says('nota 4');
    await eventually(async () => (await detail(admin, first.conv.id)).csat.rating === 4);
    const second = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await second.c.received()).length === 1);
    await second.c.says('1');
    await eventually(async () => (await detail(admin, second.conv.id)).csat.rating === 1);
    // A survey answered long ago does not count (90 days).
    const third = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await third.c.received()).length === 1);
    await db.update(csatResponses).set({ rating: 1, answeredAt: new Date(Date.now() - 91 * 86_400_000) }).where(eq(csatResponses.conversationId, third.conv.id));

    for (const viewer of [admin, bia]) {
      const team = (await api('GET', '/api/v1/team', { token: viewer.accessToken })).body.data as any[];
      expect(team.find((m) => m.id === bia.userId).csat).toEqual({ average: 2.5, count: 2 });
      // A colleague's rating is for staff: Bia (an agent) sees her own only.
      expect(team.find((m) => m.id === admin.userId).csat).toEqual(viewer === admin ? { average: null, count: 0 } : null);
    }
  });

  it('a reply that is no rating ends the survey and is an ordinary new message', async () => {
    const { admin, ch, bia } = await setup();
    const { c, conv } = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await c.received()).length === 1);
    await c.says('Ainda não recebi o reembolso');
    const fresh = await eventually(async () => (await conversationsOf(admin.orgId)).find((x) => x.id !== conv.id));
    expect(fresh).toMatchObject({ status: 'open', unreadCount: 1 });
    expect((await messagesOf(admin, fresh.id)).map((m) => m.body)).toEqual(['Ainda não recebi o reembolso']);
    // No nagging: a later "5" is just a message in the open conversation.
    await c.says('5');
    await eventually(async () => (await messagesOf(admin, fresh.id)).some((m) => m.body === '5'));
    await drainQueues();
    expect(await c.received()).toHaveLength(1);
    expect((await detail(admin, conv.id)).csat).toMatchObject({ rating: null, comment: null });
  });

  it('an expired survey takes no answers', async () => {
    const { admin, ch, bia } = await setup({ enabled: true, expiresHours: 2 });
    const { c, conv } = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await c.received()).length === 1);
    const [row] = await db.select().from(csatResponses).where(eq(csatResponses.conversationId, conv.id));
    // Two hours, as configured.
    expect(Math.round((row!.expiresAt.getTime() - row!.askedAt.getTime()) / 60_000)).toBe(120);
    await db.update(csatResponses).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(csatResponses.id, row!.id));
    await c.says('5');
    const fresh = await eventually(async () => (await conversationsOf(admin.orgId)).find((x) => x.id !== conv.id));
    expect((await messagesOf(admin, fresh.id)).map((m) => m.body)).toEqual(['5']);
    await drainQueues();
    expect(await c.received()).toHaveLength(1);
    expect((await detail(admin, conv.id)).csat.rating).toBeNull();
  });

  it('asks nothing when the survey is off', async () => {
    const { admin, ch, bia } = await setup({ enabled: false });
    const { c, conv } = await servedAndResolved(admin, bia, ch);
    await drainQueues();
    expect(await c.received()).toHaveLength(0);
    expect((await detail(admin, conv.id)).csat).toBeNull();
    await c.says('5');
    await eventually(async () => (await conversationsOf(admin.orgId)).length === 2);
  });

  it('on a number connected by QR code the question is numbered text, and a typed number answers it', async () => {
    const admin = await signupOrg('Loja QR com Pesquisa');
    const ch = await connectEvolution(admin, { sendRatePerMinute: 600 });
    expect((await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { csat: { ...DEFAULT_CSAT, enabled: true } } })).status).toBe(200);
    const from = evolutionNumber();
    await evolutionWrites(ch, { from, name: 'Rafael', text: 'Oi, quero trocar um produto' });
    const conv = await eventually(async () => (await conversationsOf(admin.orgId))[0]);
    await resolve(admin, conv.id);
    const question = await eventually(async () => (await evolutionSent(ch, from)).find((s) => s.body?.text?.startsWith(DEFAULT_CSAT.question)));
    expect(question.body.text).toBe(`${DEFAULT_CSAT.question}\n\n*5* - Excelente\n*4* - Bom\n*3* - Regular\n*2* - Ruim\n*1* - Muito ruim`);
    // Evolution echoes our own send (fromMe): it stays in the resolved conversation too.
    await postEvolution(ch, evo.text(question.body.text, { from, fromMe: true, id: question.id }));
    await evolutionWrites(ch, { from, text: '3' });
    await eventually(async () => (await evolutionSent(ch, from)).some((s) => s.body?.text === DEFAULT_CSAT.commentPrompt));
    expect((await detail(admin, conv.id)).csat).toMatchObject({ rating: 3, comment: null });
    // The agent who resolved it had not taken it: the rating counts for nobody.
    const [row] = await db.select().from(csatResponses).where(eq(csatResponses.conversationId, conv.id));
    expect(row!.agentId).toBeNull();
    await drainQueues();
    expect(await conversationsOf(admin.orgId)).toHaveLength(1);
  });

  it('with the menu bot on too, the answer is no new conversation for the bot to greet', async () => {
    const { admin, ch, bia } = await setup();
    const dep = (await api('POST', '/api/v1/departments', { token: admin.accessToken, body: { name: 'Suporte', memberIds: [bia.userId] } })).body.department.id;
    const bot = { ...DEFAULT_BOT, enabled: true, options: [{ label: 'Suporte', departmentId: dep }] };
    expect((await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { bot } })).status).toBe(200);
    const { c, conv } = await servedAndResolved(admin, bia, ch);
    await eventually(async () => (await c.received()).length === 2); // the menu, then the question
    expect((await c.received()).map((m) => m.request.interactive?.type)).toEqual(['button', 'list']);
    await c.says('4');
    await eventually(async () => (await c.received()).length === 3);
    expect((await c.received())[2]!.request.text.body).toBe(DEFAULT_CSAT.commentPrompt);
    await drainQueues();
    expect(await c.received()).toHaveLength(3);
    expect(await conversationsOf(admin.orgId)).toHaveLength(1);
    expect((await detail(admin, conv.id)).csat.rating).toBe(4);
  });

  it('settings are validated and kept per channel', async () => {
    const { admin, ch } = await setup({ enabled: true, question: 'De 1 a 5, como foi?', labels: ['Péssimo', 'Ruim', 'Ok', 'Bom', 'Ótimo'] });
    const got = (await api('GET', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken })).body;
    expect(got.csat).toMatchObject({ enabled: true, question: 'De 1 a 5, como foi?', thanks: DEFAULT_CSAT.thanks, labels: ['Péssimo', 'Ruim', 'Ok', 'Bom', 'Ótimo'] });
    const bad = async (csat: unknown) => (await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { csat } })).status;
    expect(await bad({ ...DEFAULT_CSAT, expiresHours: 0 })).toBe(400);
    expect(await bad({ ...DEFAULT_CSAT, labels: ['a', 'b'] })).toBe(400);
    expect(await bad({ ...DEFAULT_CSAT, question: '' })).toBe(400);
  });
});
