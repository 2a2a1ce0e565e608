import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import * as evo from '../../queues/evolution/fixtures';
import { drainQueues } from '../../test/drain';
import { connectEvolution, evolutionNumber, evolutionSent, postEvolution } from '../../test/evolution';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { DEFAULT_BOT, DEFAULT_HOURS } from '../schemas/service-desk';

// Issue 17: departments, the menu bot at the start of a conversation, business hours. Real worker, queues, Postgres
// and the fake Meta.
async function setup(bot: Partial<typeof DEFAULT_BOT> = {}, hours?: typeof DEFAULT_HOURS) {
  const admin = await signupOrg('Loja com Menu');
  const ch = await connectChannel(admin);
  const bia = await addMember(admin.orgId, 'agent');
  const caio = await addMember(admin.orgId, 'agent');
  const dep = async (name: string, memberIds: string[], greeting: string | null = null) => {
    const r = await api('POST', '/api/v1/departments', { token: admin.accessToken, body: { name, color: '#2563eb', greeting, memberIds } });
    expect(r.status).toBe(201);
    return r.body.department.id as string;
  };
  const vendas = await dep('Vendas', [caio.userId]);
  const suporte = await dep('Suporte', [bia.userId], 'Oi! Aqui é o Suporte. Já vamos te atender.');
  const financeiro = await dep('Financeiro', []);
  const options = [
    { label: 'Vendas', departmentId: vendas },
    { label: 'Suporte', departmentId: suporte },
    { label: 'Financeiro', departmentId: financeiro },
  ];
  const put = await api('PUT', `/api/v1/channels/${ch.id}/automation`, {
    token: admin.accessToken,
    body: { bot: { ...DEFAULT_BOT, enabled: true, options, ...bot }, ...(hours && { hours }) },
  });
  expect(put.status).toBe(200);
  return { admin, ch, bia, caio, vendas, suporte, financeiro };
}

function customer(ch: TestChannel) {
  const from = customerNumber();
  const o = (extra: Record<string, unknown> = {}) => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(), ...extra });
  return {
    from,
    says: async (text: string) => expect((await postWebhook(fx.textMessage(text, o({ id: fx.wamid() })))).status).toBe(200),
    taps: async (id: string, title: string) => expect((await postWebhook(fx.buttonReplyMessage(id, title, o({ id: fx.wamid() })))).status).toBe(200),
    /** What the business sent this customer, at the fake Meta. */
    received: async () => ((await fake('GET', `/sent?to=${from}`)).body.data as { type: string; request: any }[]),
  };
}

const automatic = async (s: Session, conversationId: string) => (await messagesOf(s, conversationId)).filter((m) => m.payload?.automatic && m.kind !== 'system');

describe('menu bot', () => {
  it('greets a new conversation with the menu as buttons, routes the tapped option into that department’s queue', async () => {
    const { admin, ch, bia, caio, suporte } = await setup();
    const maria = customer(ch);
    await maria.says('Oi, boa tarde');
    const menu = await eventually(async () => (await maria.received()).find((m) => m.type === 'interactive'));
    expect(menu.request.interactive).toMatchObject({
      type: 'button',
      body: { text: DEFAULT_BOT.greeting },
      action: { buttons: [{ reply: { id: 'menu:0', title: 'Vendas' } }, { reply: { id: 'menu:1', title: 'Suporte' } }, { reply: { id: 'menu:2', title: 'Financeiro' } }] },
    });
    const conv = await conversationOf(admin, maria.from);
    expect(conv).toMatchObject({ departmentId: null, botActive: true });
    // In the chat, marked as automatic, with the menu as text.
    const [shown] = await automatic(admin, conv.id);
    expect(shown).toMatchObject({ direction: 'outbound', kind: 'interactive', senderUserId: null, payload: { automatic: 'menu' } });
    expect(shown.body).toContain('*2* - Suporte');

    await maria.taps('menu:1', 'Suporte');
    await eventually(async () => (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.departmentId === suporte);
    const routed = await eventually(async () => (await maria.received()).find((m) => m.type === 'text'));
    expect(routed.request.text.body).toBe('Oi! Aqui é o Suporte. Já vamos te atender.');
    const trail = (await messagesOf(admin, conv.id)).filter((m) => m.kind === 'system');
    expect(trail.map((m) => m.payload.activity)).toContainEqual({ type: 'department', to: suporte, name: 'Suporte' });

    // Bia (Suporte) finds it in her queue; Caio (Vendas) neither sees nor opens it.
    const queue = async (s: Session) => ((await api('GET', '/api/v1/conversations?assignee=unassigned', { token: s.accessToken })).body.data as any[]).map((c) => c.id);
    expect(await queue(bia)).toContain(conv.id);
    expect(await queue(caio)).not.toContain(conv.id);
    expect((await api('GET', `/api/v1/conversations/${conv.id}`, { token: caio.accessToken })).status).toBe(403);
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: caio.accessToken, body: { assigneeId: caio.userId } })).status).toBe(403);
    // The inbox filter by department.
    const filtered = (await api('GET', `/api/v1/conversations?department=${suporte}`, { token: admin.accessToken })).body.data as any[];
    expect(filtered.map((c) => c.id)).toEqual([conv.id]);

    // Bia takes it; from then on the bot never answers in it.
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: bia.accessToken, body: { assigneeId: bia.userId } })).status).toBe(200);
    await maria.says('2');
    await eventually(async () => (await messagesOf(admin, conv.id)).some((m) => m.direction === 'inbound' && m.body === '2'));
    await drainQueues();
    expect(await automatic(admin, conv.id)).toHaveLength(2);
  });

  it('routes typed replies ("2", a name) and shows the menu again for what it cannot place, then hands over to a person', async () => {
    const { admin, ch, vendas } = await setup({ maxAttempts: 2 });
    const joao = customer(ch);
    await joao.says('Bom dia');
    await eventually(async () => (await joao.received()).length === 1);
    const conv = await conversationOf(admin, joao.from);
    await joao.says('talvez');
    const again = await eventually(async () => (await joao.received())[1]);
    expect(again.request.interactive.body.text).toBe(DEFAULT_BOT.invalidReply);
    await joao.says('não sei');
    const handoff = await eventually(async () => (await joao.received())[2]);
    expect(handoff.request.text.body).toBe(DEFAULT_BOT.handoff);
    // The bot is done: a late "1" is a message for the person who takes it, not a menu choice.
    await joao.says('1');
    await eventually(async () => (await messagesOf(admin, conv.id)).some((m) => m.direction === 'inbound' && m.body === '1'));
    await drainQueues();
    expect(await joao.received()).toHaveLength(3);
    expect((await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation).toMatchObject({ departmentId: null, botActive: false });

    const ana = customer(ch);
    await ana.says('Olá');
    await eventually(async () => (await ana.received()).length === 1);
    await ana.says('quero comprar, vendas por favor');
    const c2 = await conversationOf(admin, ana.from);
    await eventually(async () => (await api('GET', `/api/v1/conversations/${c2.id}`, { token: admin.accessToken })).body.conversation.departmentId === vendas);
    // The department is set before the routed message reaches Meta: wait for the send itself.
    expect((await eventually(async () => (await ana.received())[1])).request.text.body).toBe('Certo! Você está na fila de *Vendas*. Um atendente vai responder em breve.');
  });

  it('a sub-menu one level deep, as a list when buttons do not fit', async () => {
    const admin0 = await setup();
    const { admin, ch, suporte, financeiro } = admin0;
    const put = await api('PUT', `/api/v1/channels/${ch.id}/automation`, {
      token: admin.accessToken,
      body: {
        bot: {
          ...DEFAULT_BOT,
          enabled: true,
          options: [
            { label: 'Atendimento ao cliente', options: [{ label: 'Suporte', departmentId: suporte }, { label: 'Boletos e pagamentos', departmentId: financeiro }] },
            { label: 'Vendas', departmentId: admin0.vendas },
          ],
        },
      },
    });
    expect(put.status).toBe(200);
    const rui = customer(ch);
    await rui.says('oi');
    const first = await eventually(async () => (await rui.received())[0]);
    expect(first.request.interactive.type).toBe('list');
    await rui.says('1');
    const sub = await eventually(async () => (await rui.received())[1]);
    expect(sub.request.interactive.action.buttons.map((b: any) => b.reply.title)).toEqual(['Suporte', 'Boletos e pagamentos']);
    await rui.taps('menu:1', 'Boletos e pagamentos');
    const conv = await conversationOf(admin, rui.from);
    await eventually(async () => (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.departmentId === financeiro);
  });

  it('settings are validated: a menu needs options that lead to this organisation’s departments', async () => {
    const { admin, ch } = await setup();
    const other = await signupOrg('Outra Loja');
    const foreign = (await api('POST', '/api/v1/departments', { token: other.accessToken, body: { name: 'Vendas' } })).body.department.id;
    const bad = async (bot: unknown) => (await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { bot } })).status;
    expect(await bad({ ...DEFAULT_BOT, enabled: true, options: [] })).toBe(400);
    expect(await bad({ ...DEFAULT_BOT, enabled: true, options: [{ label: 'Vendas', departmentId: foreign }] })).toBe(422);
    expect(await bad({ ...DEFAULT_BOT, enabled: true, options: [{ label: 'x'.repeat(25), departmentId: foreign }] })).toBe(400);
    const agent = await addMember(admin.orgId, 'agent');
    expect((await api('GET', `/api/v1/channels/${ch.id}/automation`, { token: agent.accessToken })).status).toBe(403);
    expect((await api('GET', `/api/v1/channels/${ch.id}/automation`, { token: other.accessToken })).status).toBe(404);
    expect((await api('POST', '/api/v1/departments', { token: admin.accessToken, body: { name: 'vendas' } })).status).toBe(409);
  });
});

describe('groups', () => {
  it('a WhatsApp group (Evolution) gets no menu and no out-of-hours message; a person on the same number gets the menu as text', async () => {
    const admin = await signupOrg('Loja com Grupos');
    const ch = await connectEvolution(admin);
    const dep = (await api('POST', '/api/v1/departments', { token: admin.accessToken, body: { name: 'Vendas' } })).body.department.id;
    const closed = { ...DEFAULT_HOURS, enabled: true, week: [[], [], [], [], [], [], []] };
    const put = await api('PUT', `/api/v1/channels/${ch.id}/automation`, {
      token: admin.accessToken,
      body: { bot: { ...DEFAULT_BOT, enabled: true, options: [{ label: 'Vendas', departmentId: dep }] }, hours: closed },
    });
    expect(put.status).toBe(200);
    const group = `1203630${evolutionNumber()}@g.us`;
    await postEvolution(ch, evo.text('Bom dia, grupo', { group, from: evolutionNumber(), pushName: 'Carlos' }));
    const person = evolutionNumber();
    await postEvolution(ch, evo.text('Oi, quero comprar', { from: person, pushName: 'Ana' }));
    // The person gets the out-of-hours notice and the menu (numbered text: no buttons through Evolution)…
    await eventually(async () => (await evolutionSent(ch, person)).length === 2);
    expect((await evolutionSent(ch, person)).map((s) => s.body.text).join('\n')).toContain('*1* - Vendas');
    // …the group nothing, once everything queued has been handled.
    await drainQueues();
    const groupConv = await eventually(async () => ((await api('GET', '/api/v1/conversations?limit=100', { token: admin.accessToken })).body.data as any[]).find((c) => c.contact.waId === group));
    expect(groupConv).toMatchObject({ botActive: false, outOfHoursAt: null });
    expect((await messagesOf(admin, groupConv.id)).filter((m) => m.direction === 'outbound')).toHaveLength(0);
  });
});

describe('business hours', () => {
  it('outside them the customer gets the out-of-hours message once per conversation, and the inbox says so', async () => {
    const closed = { ...DEFAULT_HOURS, enabled: true, week: [[], [], [], [], [], [], []], message: 'Estamos fechados agora; respondemos amanhã às 8h.' };
    const { admin, ch } = await setup({ enabled: false }, closed);
    const lia = customer(ch);
    await lia.says('Alguém aí?');
    const notice = await eventually(async () => (await lia.received())[0]);
    expect(notice.request.text.body).toBe('Estamos fechados agora; respondemos amanhã às 8h.');
    const conv = await conversationOf(admin, lia.from);
    await eventually(async () => (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.outOfHoursAt);
    await lia.says('Olá??');
    await eventually(async () => (await messagesOf(admin, conv.id)).some((m) => m.body === 'Olá??'));
    await drainQueues();
    expect(await lia.received()).toHaveLength(1);
  });
});
