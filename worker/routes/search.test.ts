// Search: Portuguese full-text over messages (accents, stemming, ranking, snippets), contacts by name with typos
// and by phone digits, and the tenant and role rules.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { withOrg } from '../db/tx';
import { snippetFrom } from '../domain/search';

const { db } = testDb();

const search = (s: Session, q: string, extra = '') => api('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, { token: s.accessToken });
const bodies = (res: { body: { messages: { snippetParts: { text: string }[] }[] } }) =>
  res.body.messages.map((m) => m.snippetParts.map((p) => p.text).join(''));

/** A customer of `ch` writes `texts` (one webhook each, in order); returns the conversation once all are stored. */
async function customerWrites(admin: Session, ch: TestChannel, texts: string[], name = 'Cliente Teste') {
  const from = customerNumber();
  for (const [i, text] of texts.entries()) {
    const res = await postWebhook(fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name, timestamp: nowSeconds(i) }));
    expect(res.status).toBe(200);
  }
  const conv = await conversationOf(admin, from);
  await eventually(async () => (await messagesOf(admin, conv.id)).length === texts.length);
  return { from, conv };
}

describe('message search', () => {
  let admin: Session;
  let ch: TestChannel;
  let billing: { conv: { id: string } };
  let delivery: { conv: { id: string } };
  beforeAll(async () => {
    admin = await signupOrg('Busca Loja');
    ch = await connectChannel(admin);
    billing = await customerWrites(admin, ch, ['Bom dia! Pagamentos pendentes desde ontem, podem ver?', 'Já paguei o boleto']);
    delivery = await customerWrites(admin, ch, ['Não recebi meu pedido ainda', 'nao sei o codigo de rastreio', 'Obrigado pela atenção']);
  });

  it('stems and ignores accents: "pagamento pendente" finds "Pagamentos pendentes"', async () => {
    const res = await search(admin, 'pagamento pendente');
    expect(res.status).toBe(200);
    expect(res.body.messages).toHaveLength(1);
    expect(res.body.messages[0]).toMatchObject({ conversationId: billing.conv.id, direction: 'inbound', kind: 'text', contact: { name: 'Cliente Teste' } });
    expect(res.body.messages[0].snippet).toContain('<mark>Pagamentos</mark> <mark>pendentes</mark>');
    expect(res.body.messages[0].rank).toBeGreaterThan(0);
  });

  it('"não" matches "nao" and "Não", and the other way round', async () => {
    for (const q of ['não', 'nao', 'NÃO']) {
      const found = bodies(await search(admin, q));
      expect(found, q).toHaveLength(2);
      expect(found.join('|')).toMatch(/Não recebi/);
      expect(found.join('|')).toMatch(/nao sei/);
    }
    expect(bodies(await search(admin, 'atencao'))).toEqual(['Obrigado pela atenção']);
    expect(bodies(await search(admin, 'códigos'))).toEqual(['nao sei o codigo de rastreio']);
  });

  it('ranks messages with more of the words first and supports phrases and exclusions', async () => {
    const both = await search(admin, 'boleto or pendentes or paguei');
    expect(both.body.messages.length).toBe(2);
    expect(bodies(both)[0]).toBe('Já paguei o boleto');
    expect(both.body.messages[0].rank).toBeGreaterThan(both.body.messages[1].rank);
    expect(bodies(await search(admin, '"recebi meu pedido"'))).toEqual(['Não recebi meu pedido ainda']);
    expect(bodies(await search(admin, 'nao -rastreio'))).toEqual(['Não recebi meu pedido ainda']);
    expect((await search(admin, 'xilofone')).body.messages).toEqual([]);
    // Only stop words: nothing to look for, an empty answer (not an error).
    expect((await search(admin, 'de o a')).body.messages).toEqual([]);
  });

  it('escapes the snippet as HTML and also gives it as parts', () => {
    const { snippet, snippetParts } = snippetFrom('<b>x</b> \u0002não\u0003 & \u0002nao\u0003');
    expect(snippet).toBe('&lt;b&gt;x&lt;/b&gt; <mark>não</mark> &amp; <mark>nao</mark>');
    expect(snippetParts).toEqual([
      { text: '<b>x</b> ', highlight: false },
      { text: 'não', highlight: true },
      { text: ' & ', highlight: false },
      { text: 'nao', highlight: true },
    ]);
  });

  it('finds private notes for those who see the conversation', async () => {
    const note = await api('POST', `/api/v1/conversations/${delivery.conv.id}/messages`, { token: admin.accessToken, body: { type: 'note', text: 'Cliente pediu reembolso parcial' } });
    expect(note.status).toBe(202);
    const res = await search(admin, 'reembolsos');
    expect(res.body.messages).toMatchObject([{ id: note.body.message.id, isPrivate: true, direction: 'outbound' }]);
  });

  it('shows an agent only messages of its own and unassigned conversations', async () => {
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const manager = await addMember(admin.orgId, 'manager');
    const mine = await customerWrites(admin, ch, ['Quero trocar o tamanho da camiseta']);
    const theirs = await customerWrites(admin, ch, ['Posso trocar a cor da camiseta?']);
    const queue = await customerWrites(admin, ch, ['Troca de camiseta com defeito']);
    for (const [conv, assigneeId] of [[mine.conv.id, agent.userId], [theirs.conv.id, other.userId]] as const) {
      expect((await api('PATCH', `/api/v1/conversations/${conv}`, { token: admin.accessToken, body: { assigneeId } })).status).toBe(200);
    }
    const conversationsOf = async (s: Session) => (await search(s, 'camisetas trocas', '&limit=50')).body.messages.map((m: { conversationId: string }) => m.conversationId).sort();
    expect(await conversationsOf(agent)).toEqual([mine.conv.id, queue.conv.id].sort());
    expect(await conversationsOf(other)).toEqual([theirs.conv.id, queue.conv.id].sort());
    for (const staff of [admin, manager]) expect(await conversationsOf(staff)).toEqual([mine.conv.id, theirs.conv.id, queue.conv.id].sort());
  });

  it('never shows another organisation’s messages, even for the same words', async () => {
    const intruder = await signupOrg('Outra Busca');
    const theirChannel = await connectChannel(intruder);
    await customerWrites(intruder, theirChannel, ['Pagamento pendente aqui também']);
    expect((await search(intruder, 'pagamento pendente')).body.messages).toHaveLength(1);
    const mine = await search(admin, 'pagamento pendente');
    expect(mine.body.messages.map((m: { conversationId: string }) => m.conversationId)).toEqual([billing.conv.id]);
  });

  it('refuses empty, too long or unauthenticated searches', async () => {
    for (const q of ['', '%20%20', 'x'.repeat(201)]) {
      const res = await api('GET', `/api/v1/search?q=${q}`, { token: admin.accessToken });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await api('GET', '/api/v1/search', { token: admin.accessToken })).status).toBe(400);
    expect((await api('GET', '/api/v1/search?q=x&type=everything', { token: admin.accessToken })).status).toBe(400);
    expect((await api('GET', '/api/v1/search?q=boleto')).status).toBe(401);
  });
});

describe('message search beyond the recent window', () => {
  it('finds older matches through the index when the newest messages hold too few, newest first', async () => {
    const admin = await signupOrg('Janela');
    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, ['primeiro assunto raro: ornitorrinco', 'segundo: ornitorrinco de novo', 'nada a ver', 'outra coisa', 'mais uma']);
    const call = (window: number, max: number) =>
      withOrg(db, admin.orgId, async (tx) =>
        (await tx.execute<{ hit_id: string }>(sql`select hit_id from public.conversa_search_message_hits(public.conversa_tsquery('ornitorrinco'), null, ${max}, ${window})`)).rows.map((r) => r.hit_id),
      );
    const all = (await messagesOf(admin, conv.id)).filter((m) => /ornitorrinco/.test(m.body)).map((m) => m.id);
    expect(all).toHaveLength(2);
    // Window of 2 (the three newest hold no match): both come from the index, newest first.
    for (const window of [2, 3, 4, 20000]) expect(await call(window, 10), `window ${window}`).toEqual(all);
    expect(await call(2, 1)).toEqual([all[0]]);
    // Outside a tenant transaction the function returns nothing.
    const bare = await db.execute<{ n: number }>(sql`select count(*)::int as n from public.conversa_search_message_hits(public.conversa_tsquery('ornitorrinco'), null, 10)`);
    expect(bare.rows[0]!.n).toBe(0);
  });
});

describe('contact search', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signupOrg('Contatos Busca');
    for (const [name, phone] of [
      ['João Silva', '+55 11 98765-4321'],
      ['Joana Souza', '+55 21 99999-0000'],
      ['Maria Conceição', '+55 31 98888-1111'],
      ['Pedro Álvares', '+351 912 345 678'],
    ]) {
      expect((await api('POST', '/api/v1/contacts', { token: admin.accessToken, body: { name, phone } })).status).toBe(201);
    }
  });
  const names = async (q: string) => (await search(admin, q, '&type=contacts')).body.contacts.map((c: { name: string }) => c.name);

  it('finds a name with a typo and without accents ("Joao Slva" → "João Silva")', async () => {
    expect((await names('Joao Slva'))[0]).toBe('João Silva');
    expect(await names('maria conceicao')).toEqual(['Maria Conceição']);
    expect(await names('alvares')).toEqual(['Pedro Álvares']);
    expect(await names('CONCEIÇAO')).toEqual(['Maria Conceição']);
  });

  it('finds by part of the phone number', async () => {
    expect(await names('98765-4321')).toEqual(['João Silva']);
    expect(await names('912 345')).toEqual(['Pedro Álvares']);
    expect(await names('+55 21 99999 0000')).toEqual(['Joana Souza']);
  });

  it('finds nothing that is not like the query, and no other organisation’s contacts', async () => {
    expect(await names('Xavier Wanderley')).toEqual([]);
    const other = await signupOrg('Outros Contatos');
    expect((await search(other, 'Joao Silva', '&type=contacts')).body.contacts).toEqual([]);
    const res = await search(admin, 'joao silva');
    expect(res.body.contacts[0]).toMatchObject({ name: 'João Silva', phone: '+5511987654321', waId: '5511987654321', score: expect.any(Number) });
  });
});
