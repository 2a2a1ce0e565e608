// The inbox's order and the chat's time follow the messages themselves: WhatsApp's timestamp, not arrival, and not
// the last assignment or label change. Previews move only forward in message time and never show a private note.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';

async function org(name: string) {
  const admin = await signupOrg(name);
  const ch = await connectChannel(admin);
  return { admin, ch };
}

function customer(ch: TestChannel) {
  const from = customerNumber();
  const o = (offsetSeconds: number, extra: fx.InboundOpts = {}) => ({
    phoneNumberId: ch.phoneNumberId,
    displayPhoneNumber: ch.displayPhoneNumber,
    wabaId: ch.wabaId,
    from,
    timestamp: nowSeconds(offsetSeconds),
    ...extra,
  });
  const say = async (text: string, offsetSeconds = 0) => {
    expect((await postWebhook(fx.textMessage(text, o(offsetSeconds)))).status).toBe(200);
    await drainQueues();
  };
  return { from, o, say };
}

const list = async (s: Session, query = '') => {
  const res = await api('GET', `/api/v1/conversations?limit=100${query}`, { token: s.accessToken });
  expect(res.status).toBe(200);
  return res.body.data as { id: string; lastMessagePreview: string; lastMessageAt: string; waitingSince: string | null; createdAt: string }[];
};

/** Every page of `limit` rows, following nextCursor: the same order a single page gives. */
async function allPages(s: Session, query: string, limit = 1) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await api(
      'GET',
      `/api/v1/conversations?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { token: s.accessToken },
    );
    expect(res.status).toBe(200);
    ids.push(...res.body.data.map((r) => r.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

const send = (s: Session, convId: string, body: unknown) => api('POST', `/api/v1/conversations/${convId}/messages`, { token: s.accessToken, body });

describe('inbox order', () => {
  it('is by last message by default: assigning or labelling an older conversation does not lift it', async () => {
    const { admin, ch } = await org('Ordem');
    const a = customer(ch);
    const b = customer(ch);
    await a.say('Primeiro cliente', -120);
    await b.say('Segundo cliente', -60);
    const [convA, convB] = [await conversationOf(admin, a.from), await conversationOf(admin, b.from)];
    expect((await list(admin)).map((r) => r.id)).toEqual([convB.id, convA.id]);

    expect((await api('PATCH', `/api/v1/conversations/${convA.id}`, { token: admin.accessToken, body: { assigneeId: admin.userId } })).status).toBe(200);
    const label = await api('POST', '/api/v1/labels', { token: admin.accessToken, body: { name: 'VIP', color: '#ff0000' } });
    expect(label.status).toBe(201);
    expect((await api('POST', `/api/v1/conversations/${convA.id}/labels`, { token: admin.accessToken, body: { labelIds: [label.body.label.id] } })).status).toBeLessThan(300);
    expect((await list(admin)).map((r) => r.id)).toEqual([convB.id, convA.id]);
    expect((await list(admin, '&sort=last_message')).map((r) => r.id)).toEqual([convB.id, convA.id]);

    // A new message (customer or agent) moves it up.
    await a.say('De novo', 0);
    expect((await list(admin)).map((r) => r.id)).toEqual([convA.id, convB.id]);
    expect(await allPages(admin, '')).toEqual([convA.id, convB.id]);
  });

  it('sort=waiting: oldest unanswered customer message first, answered ones after; sort=created: newest first', async () => {
    const { admin, ch } = await org('Espera');
    const [a, b, c] = [customer(ch), customer(ch), customer(ch)];
    await a.say('Esperando há 3 horas', -3 * 3600);
    await b.say('Esperando há 1 hora', -3600);
    await c.say('Já respondido', -2 * 3600);
    await a.say('Ainda esperando', -60);
    const [convA, convB, convC] = [await conversationOf(admin, a.from), await conversationOf(admin, b.from), await conversationOf(admin, c.from)];
    await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: c.from, lastInboundAt: new Date().toISOString() });
    expect((await send(admin, convC.id, { type: 'text', text: 'Respondido!' })).status).toBe(202);

    const waiting = await list(admin, '&sort=waiting');
    expect(waiting.map((r) => r.id)).toEqual([convA.id, convB.id, convC.id]);
    // Since its first unanswered message (WhatsApp's time), not the latest.
    expect(Math.abs(new Date(waiting[0]!.waitingSince!).getTime() - (Date.now() - 3 * 3600_000))).toBeLessThan(15_000);
    expect(waiting[2]!.waitingSince).toBeNull();
    expect(await allPages(admin, '&sort=waiting')).toEqual([convA.id, convB.id, convC.id]);

    // The agent's note is not an answer; a reply is.
    expect((await send(admin, convA.id, { type: 'note', text: 'Vou ver com o estoque' })).status).toBe(202);
    expect((await list(admin, '&sort=waiting'))[0]!.id).toBe(convA.id);

    const created = await list(admin, '&sort=created');
    expect(created.map((r) => r.id)).toEqual([convC.id, convB.id, convA.id]);
    expect(await allPages(admin, '&sort=created')).toEqual([convC.id, convB.id, convA.id]);

    expect((await api('GET', '/api/v1/conversations?sort=updated', { token: admin.accessToken })).status).toBe(400);
  });
});

describe('message time', () => {
  it('orders the chat by WhatsApp’s timestamp, pages by it, and keeps the arrival as createdAt', async () => {
    const { admin, ch } = await org('Horário');
    const c = customer(ch);
    await c.say('Terceira', -10);
    await c.say('Primeira', -300); // delayed delivery: written before, arrived after
    await c.say('Segunda', -120);
    const conv = await conversationOf(admin, c.from);
    const messages = await messagesOf(admin, conv.id);
    expect(messages.map((m) => m.body)).toEqual(['Terceira', 'Segunda', 'Primeira']);
    const primeira = messages.find((m) => m.body === 'Primeira')!;
    expect(Math.abs(new Date(primeira.at).getTime() - (Date.now() - 300_000))).toBeLessThan(15_000);
    expect(new Date(primeira.createdAt).getTime()).toBeGreaterThan(new Date(primeira.at).getTime() + 200_000);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { body: string }[]; nextCursor: string | null } } = await api(
        'GET',
        `/api/v1/conversations/${conv.id}/messages?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin.accessToken },
      );
      paged.push(...res.body.data.map((m) => m.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(['Terceira', 'Segunda', 'Primeira']);

    // The preview is still the latest message by time, not the last to arrive.
    const row = (await list(admin)).find((r) => r.id === conv.id)!;
    expect(row.lastMessagePreview).toBe('Terceira');
  });
});

describe('previews', () => {
  it('of two messages in the same second, show the later one', async () => {
    const { admin, ch } = await org('Mesmo segundo');
    const c = customer(ch);
    const ts = nowSeconds(-5);
    const body = fx.envelope({
      wabaId: ch.wabaId,
      changes: [
        {
          field: 'messages',
          value: fx.messagesValue(
            [fx.message('text', { text: { body: 'Oi' } }, c.o(0, { timestamp: ts })), fx.message('text', { text: { body: 'Quero um orçamento' } }, c.o(0, { timestamp: ts }))],
            c.o(0),
          ),
        },
      ],
    });
    expect((await postWebhook(body)).status).toBe(200);
    await drainQueues();
    const conv = await conversationOf(admin, c.from);
    expect(conv.lastMessagePreview).toBe('Quero um orçamento');
    expect((await messagesOf(admin, conv.id)).map((m) => m.body)).toEqual(['Quero um orçamento', 'Oi']);
  });

  it('never show a private note: the row keeps the last message the customer saw, and its time', async () => {
    const { admin, ch } = await org('Nota');
    const c = customer(ch);
    await c.say('Pode me ligar?', -30);
    const conv = await conversationOf(admin, c.from);
    expect((await send(admin, conv.id, { type: 'note', text: 'Cliente irritado, cuidado' })).status).toBe(202);
    const row = (await list(admin)).find((r) => r.id === conv.id)!;
    expect(row.lastMessagePreview).toBe('Pode me ligar?');
    expect(row.lastMessageAt).toBe(conv.lastMessageAt);
  });
});
