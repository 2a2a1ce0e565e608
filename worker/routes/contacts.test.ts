// Contacts: E.164 phones, one contact per WhatsApp id, typed custom attributes, labels, notes, detail with
// conversations and deals, merge (keeps every conversation), CSV import (row errors, idempotent) and export, and
// the tenant and role rules.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';

const post = (s: Session, path: string, body: unknown) => api('POST', path, { token: s.accessToken, body });
const patch = (s: Session, path: string, body: unknown) => api('PATCH', path, { token: s.accessToken, body });
const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });
const createContact = async (s: Session, body: Record<string, unknown>) => {
  const res = await post(s, '/api/v1/contacts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.contact as { id: string; name: string; phone: string; waId: string };
};
const csv = (s: Session, text: string, type = 'text/csv') =>
  api('POST', '/api/v1/contacts/import', { token: s.accessToken, rawBody: text, headers: { 'content-type': type } });

async function audit(admin: Session, action: string) {
  const res = await get(admin, `/api/v1/audit-logs?action=${action}`);
  expect(res.status).toBe(200);
  return res.body.data as { targetId: string; metadata: Record<string, any> }[];
}

/** A customer writes on `ch` (like Meta delivers it); returns its WhatsApp id and conversation. */
async function customerWrites(admin: Session, ch: TestChannel, text: string, opts: { from?: string; name?: string; offsetSeconds?: number } = {}) {
  const from = opts.from ?? customerNumber();
  const res = await postWebhook(
    fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name: opts.name ?? 'Cliente', timestamp: nowSeconds(opts.offsetSeconds ?? 0) }),
  );
  expect(res.status).toBe(200);
  const conv = await eventually(async () => {
    const list = await get(admin, '/api/v1/conversations?limit=100');
    return list.body.data.find((c: any) => c.contact.waId === from && c.lastMessagePreview === text);
  });
  return { from, conv, contactId: conv.contact.id as string };
}

describe('creating and editing contacts', () => {
  it('stores phones as E.164 (Brazil by default) with the WhatsApp id, and refuses invalid numbers', async () => {
    const admin = await signupOrg('Agenda');
    const br = await createContact(admin, { name: 'João Silva', phone: '(11) 98765-4321', email: 'joao@example.com' });
    expect(br).toMatchObject({ name: 'João Silva', phone: '+5511987654321', waId: '5511987654321', email: 'joao@example.com', attributes: {}, labels: [] });
    const pt = await createContact(admin, { name: 'Pedro', phone: '+351 912 345 678' });
    expect(pt).toMatchObject({ phone: '+351912345678', waId: '351912345678' });
    const noPhone = await createContact(admin, { name: 'Sem Telefone' });
    expect(noPhone).toMatchObject({ phone: null, waId: null });

    for (const phone of ['12345', '+55 11 1234', 'telefone', '+999 123 456 789']) {
      const res = await post(admin, '/api/v1/contacts', { name: 'X', phone });
      expect(res.status, phone).toBe(400);
      expect(res.body.error.code).toBe('invalid_phone');
    }
    for (const body of [{}, { name: '' }, { name: 'X', email: 'not-an-email' }, { name: 'X', waId: '12ab' }, { name: 'X'.repeat(201) }]) {
      const res = await post(admin, '/api/v1/contacts', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const edit = await patch(admin, `/api/v1/contacts/${br.id}`, { phone: 'abc' });
    expect(edit.status).toBe(400);
    expect(edit.body.error.code).toBe('invalid_phone');
  });

  it('allows one contact per WhatsApp id and phone in an organisation (409), also against a contact WhatsApp created', async () => {
    const admin = await signupOrg('Únicos');
    const ch = await connectChannel(admin);
    await createContact(admin, { name: 'Ana', phone: '+55 11 91111-2222' });
    for (const body of [{ name: 'Ana de novo', phone: '11 91111-2222' }, { name: 'Por id', waId: '5511911112222' }]) {
      const res = await post(admin, '/api/v1/contacts', body);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('contact_exists');
    }
    const { from } = await customerWrites(admin, ch, 'Oi');
    const dup = await post(admin, '/api/v1/contacts', { name: 'Cliente WhatsApp', phone: `+${from}` });
    expect(dup.status).toBe(409);
    // Another organisation may have the same number.
    const other = await signupOrg('Outra Agenda');
    await createContact(other, { name: 'Ana', phone: '+55 11 91111-2222' });
    // Editing into someone else's number is refused too.
    const bia = await createContact(admin, { name: 'Bia', phone: '+55 11 93333-4444' });
    const clash = await patch(admin, `/api/v1/contacts/${bia.id}`, { phone: '+55 11 91111-2222' });
    expect(clash.status).toBe(409);
  });

  it('edits name, email and phone (the derived WhatsApp id follows), and audits what changed', async () => {
    const admin = await signupOrg('Edição');
    const c = await createContact(admin, { name: 'Carla', phone: '11 94444-5555' });
    const res = await patch(admin, `/api/v1/contacts/${c.id}`, { name: 'Carla Dias', email: 'carla@example.com', phone: '11 95555-6666' });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ name: 'Carla Dias', email: 'carla@example.com', phone: '+5511955556666', waId: '5511955556666' });
    expect((await patch(admin, `/api/v1/contacts/${c.id}`, { email: null })).body.contact.email).toBeNull();
    expect((await patch(admin, `/api/v1/contacts/${c.id}`, {})).status).toBe(400);
    const entries = await audit(admin, 'contact.updated');
    expect(entries[entries.length - 1]).toMatchObject({ targetId: c.id, metadata: { changed: expect.arrayContaining(['name', 'email', 'phoneE164', 'waId']) } });
  });

  it('keeps the WhatsApp id of a contact that has written in when its phone is edited', async () => {
    const admin = await signupOrg('Id Fixo');
    const ch = await connectChannel(admin);
    const { from, contactId } = await customerWrites(admin, ch, 'Olá');
    const res = await patch(admin, `/api/v1/contacts/${contactId}`, { phone: '+55 21 97777-8888' });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ phone: '+5521977778888', waId: from });
    const locked = await patch(admin, `/api/v1/contacts/${contactId}`, { waId: '5521977778888' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('whatsapp_id_in_use');
  });
});

describe('custom attributes', () => {
  it('are defined per organisation with a type, and contact values are checked against them', async () => {
    const admin = await signupOrg('Atributos');
    const agent = await addMember(admin.orgId, 'agent');
    const define = (s: Session, body: unknown) => post(s, '/api/v1/contact-attributes', body);
    expect((await define(agent, { key: 'plano', label: 'Plano', type: 'text' })).status).toBe(403);
    for (const body of [
      { key: 'cidade', label: 'Cidade', type: 'text' },
      { key: 'pedidos', label: 'Pedidos', type: 'number' },
      { key: 'aniversario', label: 'Aniversário', type: 'date' },
      { key: 'vip', label: 'VIP', type: 'boolean' },
      { key: 'plano', label: 'Plano', type: 'list', options: ['Bronze', 'Prata', 'Ouro'] },
    ]) {
      const res = await define(admin, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect((await define(admin, { key: 'cidade', label: 'De novo', type: 'text' })).status).toBe(409);
    for (const body of [
      { key: 'Com Espaço', label: 'x', type: 'text' },
      { key: 'lista', label: 'x', type: 'list' },
      { key: 'texto', label: 'x', type: 'text', options: ['a'] },
      { key: 'tipo', label: 'x', type: 'color' },
    ]) {
      expect((await define(admin, body)).status, JSON.stringify(body)).toBe(400);
    }
    const defs = await get(agent, '/api/v1/contact-attributes');
    expect(defs.body.data.map((d: { key: string }) => d.key).sort()).toEqual(['aniversario', 'cidade', 'pedidos', 'plano', 'vip']);

    const attributes = { cidade: 'Recife', pedidos: 3, aniversario: '1990-05-17', vip: true, plano: 'Ouro' };
    const c = await createContact(agent, { name: 'Com Atributos', attributes });
    expect(c).toMatchObject({ attributes });
    for (const [bad, why] of [
      [{ pedidos: 'três' }, 'pedidos: must be a number'],
      [{ aniversario: '1990-02-30' }, 'aniversario: must be a date'],
      [{ vip: 'sim' }, 'vip: must be true or false'],
      [{ plano: 'Diamante' }, 'plano: must be one of: Bronze, Prata, Ouro'],
      [{ desconhecido: 'x' }, 'desconhecido: no such attribute'],
    ] as const) {
      const res = await patch(agent, `/api/v1/contacts/${c.id}`, { attributes: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_attributes', message: expect.stringContaining(why) });
    }
    // A patch merges; null removes one value.
    const res = await patch(agent, `/api/v1/contacts/${c.id}`, { attributes: { pedidos: 4, cidade: null } });
    expect(res.body.contact.attributes).toEqual({ pedidos: 4, aniversario: '1990-05-17', vip: true, plano: 'Ouro' });

    // Filter the list by attribute (typed).
    await createContact(agent, { name: 'Prata', attributes: { plano: 'Prata', vip: false } });
    const byPlan = await get(agent, '/api/v1/contacts?attribute=plano:Ouro');
    expect(byPlan.body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await get(agent, '/api/v1/contacts?attribute=vip:true')).body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await get(agent, '/api/v1/contacts?attribute=pedidos:4')).body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await get(agent, '/api/v1/contacts?attribute=nada:1')).body.error.code).toBe('unknown_attribute');
    expect((await get(agent, '/api/v1/contacts?attribute=pedidos:muitos')).status).toBe(400);

    // List options can change; deleting a definition removes its values.
    const plano = defs.body.data.find((d: { key: string }) => d.key === 'plano');
    expect((await patch(admin, `/api/v1/contact-attributes/${plano.id}`, { options: ['Prata', 'Ouro', 'Diamante'] })).body.attribute.options).toEqual(['Prata', 'Ouro', 'Diamante']);
    const vip = defs.body.data.find((d: { key: string }) => d.key === 'vip');
    expect((await api('DELETE', `/api/v1/contact-attributes/${vip.id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await get(agent, `/api/v1/contacts/${c.id}`)).body.contact.attributes).toEqual({ pedidos: 4, aniversario: '1990-05-17', plano: 'Ouro' });
  });
});

describe('listing contacts', () => {
  it('pages newest first with a cursor, filters by label and searches by name with typos', async () => {
    const admin = await signupOrg('Lista');
    const created: string[] = [];
    for (const name of ['Ana Paula', 'Bruno Costa', 'Carlos Souza', 'Daniela Lima', 'Eduardo Santos']) created.push((await createContact(admin, { name })).id);
    const first = await get(admin, '/api/v1/contacts?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([created[4], created[3]]);
    const second = await get(admin, `/api/v1/contacts?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([created[2], created[1]]);
    const third = await get(admin, `/api/v1/contacts?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toMatchObject({ data: [{ id: created[0] }], nextCursor: null });
    expect((await get(admin, '/api/v1/contacts?cursor=garbage')).body.error.code).toBe('invalid_cursor');

    const label = (await post(admin, '/api/v1/labels', { name: 'VIP', color: '#f59e0b' })).body.label;
    expect((await post(admin, `/api/v1/contacts/${created[1]}/labels`, { labelIds: [label.id] })).body.data).toEqual([{ id: label.id, name: 'VIP', color: '#f59e0b' }]);
    const vip = await get(admin, `/api/v1/contacts?label=${label.id}`);
    expect(vip.body.data).toMatchObject([{ id: created[1], labels: [{ name: 'VIP' }] }]);

    const found = await get(admin, '/api/v1/contacts?q=Carlos%20Sousa');
    expect(found.body.data[0]).toMatchObject({ id: created[2], name: 'Carlos Souza' });
    const paged = await get(admin, '/api/v1/contacts?q=a&limit=1');
    expect(paged.status).toBe(200);
    expect((await get(admin, `/api/v1/contacts?q=Lima&label=${label.id}`)).body.data).toEqual([]);
  });
});

describe('contact detail and notes', () => {
  it('shows the contact’s conversations (an agent only its own and unassigned), deals and notes', async () => {
    const admin = await signupOrg('Detalhe');
    const ch = await connectChannel(admin);
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const first = await customerWrites(admin, ch, 'Primeira conversa', { offsetSeconds: -10 });
    // Resolve it, so the customer's next message opens a second conversation.
    expect((await patch(admin, `/api/v1/conversations/${first.conv.id}`, { status: 'resolved', assigneeId: other.userId })).status).toBe(200);
    const second = await customerWrites(admin, ch, 'Segunda conversa', { from: first.from });
    expect(second.conv.id).not.toBe(first.conv.id);
    const deal = await post(admin, '/api/v1/deals', { title: 'Venda para o cliente', contactId: first.contactId, valueCents: 15000 });
    expect(deal.status).toBe(201);
    const note = await post(agent, `/api/v1/contacts/${first.contactId}/notes`, { body: 'Prefere contato à tarde' });
    expect(note.status).toBe(201);

    const asAdmin = await get(admin, `/api/v1/contacts/${first.contactId}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.contact).toMatchObject({ id: first.contactId, waId: first.from, phone: `+${first.from}` });
    expect(asAdmin.body.conversations.map((c: { id: string }) => c.id)).toEqual([second.conv.id, first.conv.id]);
    expect(asAdmin.body.deals).toMatchObject([{ id: deal.body.deal.id, title: 'Venda para o cliente', valueCents: 15000, currency: 'BRL' }]);
    expect(asAdmin.body.notes).toMatchObject([{ body: 'Prefere contato à tarde', author: { id: agent.userId } }]);
    const asAgent = await get(agent, `/api/v1/contacts/${first.contactId}`);
    expect(asAgent.body.conversations.map((c: { id: string }) => c.id)).toEqual([second.conv.id]);

    // Notes: list, and only the author (or staff) removes one.
    expect((await get(admin, `/api/v1/contacts/${first.contactId}/notes`)).body).toMatchObject({ data: [{ id: note.body.note.id }], nextCursor: null });
    const path = `/api/v1/contacts/${first.contactId}/notes/${note.body.note.id}`;
    expect((await api('DELETE', path, { token: other.accessToken })).status).toBe(403);
    expect((await api('DELETE', path, { token: agent.accessToken })).status).toBe(204);
    expect((await api('DELETE', path, { token: agent.accessToken })).status).toBe(404);
    expect((await post(agent, `/api/v1/contacts/${first.contactId}/notes`, { body: '  ' })).status).toBe(400);
  });
});

describe('merging contacts', () => {
  it('moves every conversation, deal, label and note to the kept contact; an open clash resolves the older conversation', async () => {
    const admin = await signupOrg('Mesclar');
    const chA = await connectChannel(admin);
    const chB = await connectChannel(admin);
    // The same person wrote from two numbers: both have an open conversation on channel A; the second also on B.
    const kept = await customerWrites(admin, chA, 'Oi, sou a Maria', { name: 'Maria', offsetSeconds: -120 });
    const other = await customerWrites(admin, chA, 'Maria de novo, outro número', { name: 'Maria C.' });
    const otherOnB = await customerWrites(admin, chB, 'Também escrevi aqui', { from: other.from, name: 'Maria C.' });
    const label = (await post(admin, '/api/v1/labels', { name: 'Recorrente' })).body.label;
    await post(admin, `/api/v1/contacts/${other.contactId}/labels`, { labelIds: [label.id] });
    await post(admin, `/api/v1/contacts/${other.contactId}/notes`, { body: 'Cliente antiga' });
    const deal = (await post(admin, '/api/v1/deals', { title: 'Pedido grande', conversationId: other.conv.id })).body.deal;
    expect(deal.contactId).toBe(other.contactId);
    const messagesBefore = (await messagesOf(admin, other.conv.id)).map((m) => m.id);

    const agent = await addMember(admin.orgId, 'agent');
    expect((await post(agent, `/api/v1/contacts/${kept.contactId}/merge`, { otherId: other.contactId })).status).toBe(403);
    const res = await post(admin, `/api/v1/contacts/${kept.contactId}/merge`, { otherId: other.contactId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      contact: { id: kept.contactId, waId: kept.from, labels: [{ name: 'Recorrente' }] },
      mergedContactId: other.contactId,
      movedDeals: 1,
      droppedWaId: other.from,
    });
    expect(res.body.movedConversationIds.sort()).toEqual([other.conv.id, otherOnB.conv.id].sort());
    // Both were open on channel A: the older one (the kept contact's) was resolved, none was lost.
    expect(res.body.resolvedConversationIds).toEqual([kept.conv.id]);

    const detail = await get(admin, `/api/v1/contacts/${kept.contactId}`);
    expect(detail.body.conversations.map((c: { id: string }) => c.id).sort()).toEqual([kept.conv.id, other.conv.id, otherOnB.conv.id].sort());
    const statusOf = (id: string) => detail.body.conversations.find((c: { id: string }) => c.id === id).status;
    expect([statusOf(kept.conv.id), statusOf(other.conv.id), statusOf(otherOnB.conv.id)]).toEqual(['resolved', 'open', 'open']);
    expect(detail.body.deals.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    expect(detail.body.notes.map((n: { body: string }) => n.body)).toEqual(['Cliente antiga']);
    expect((await messagesOf(admin, other.conv.id)).map((m) => m.id)).toEqual(messagesBefore);
    expect((await get(admin, `/api/v1/conversations/${other.conv.id}`)).body.conversation.contact).toMatchObject({ id: kept.contactId, waId: kept.from });

    expect((await get(admin, `/api/v1/contacts/${other.contactId}`)).status).toBe(404);
    const [entry] = await audit(admin, 'contact.merged');
    expect(entry).toMatchObject({ targetId: kept.contactId, metadata: { mergedContactId: other.contactId, merged: { waId: other.from, name: 'Maria C.' } } });
    expect((await post(admin, `/api/v1/contacts/${kept.contactId}/merge`, { otherId: kept.contactId })).body.error.code).toBe('same_contact');

    // The merged-away number still reaches Maria: its next message lands in her open conversation on channel A,
    // no new contact appears.
    const again = await postWebhook(
      fx.textMessage('Mensagem do outro número', { phoneNumberId: chA.phoneNumberId, displayPhoneNumber: chA.displayPhoneNumber, wabaId: chA.wabaId, from: other.from, name: 'Maria C.', timestamp: nowSeconds() }),
    );
    expect(again.status).toBe(200);
    const landed = await eventually(async () => {
      const list = await get(admin, '/api/v1/conversations?limit=100');
      return list.body.data.find((c: any) => c.lastMessagePreview === 'Mensagem do outro número');
    });
    expect(landed).toMatchObject({ id: other.conv.id, contact: { id: kept.contactId, waId: kept.from } });
    expect((await get(admin, '/api/v1/contacts?limit=100')).body.data.map((c: { id: string }) => c.id)).toEqual([kept.contactId]);
  });

  it('gives a contact created by hand the WhatsApp id of the one that wrote in, filling its empty fields', async () => {
    const admin = await signupOrg('Mesclar Manual');
    const ch = await connectChannel(admin);
    const manual = await createContact(admin, { name: 'Roberto Alves', email: 'roberto@example.com' });
    const wrote = await customerWrites(admin, ch, 'Boa tarde', { name: 'Beto' });
    const res = await post(admin, `/api/v1/contacts/${manual.id}/merge`, { otherId: wrote.contactId });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ name: 'Roberto Alves', profileName: 'Beto', email: 'roberto@example.com', waId: wrote.from, phone: `+${wrote.from}` });
    expect(res.body.droppedWaId).toBeNull();
    // The customer's next message lands on the kept contact.
    await customerWrites(admin, ch, 'Ainda estou aguardando', { from: wrote.from });
    expect((await conversationOf(admin, wrote.from)).contact.id).toBe(manual.id);
  });
});

describe('CSV import and export', () => {
  it('reports errors per row, creates and updates by phone, and changes nothing when imported again', async () => {
    const admin = await signupOrg('Importação');
    await post(admin, '/api/v1/contact-attributes', { key: 'cidade', label: 'Cidade', type: 'text' });
    await post(admin, '/api/v1/contact-attributes', { key: 'vip', label: 'VIP', type: 'boolean' });
    await post(admin, '/api/v1/contact-attributes', { key: 'nascimento', label: 'Nascimento', type: 'date' });
    const existing = await createContact(admin, { name: 'Já Existia', phone: '+55 11 97777-0001' });
    const file = [
      '\uFEFFNome;Telefone;E-mail;Cidade;VIP;Nascimento;Etiquetas;Observação',
      'Ana Lima;(11) 97777-0002;ana@example.com;Recife;sim;17/05/1990;Atacado, VIP;x',
      'Sem telefone;;sem@example.com;;;;;',
      'Número ruim;12345;;;;;;',
      '"Bruno ""Bê"" Reis";+351 912 345 679;bruno@example.com;Lisboa;não;;;',
      'Email ruim;11 97777-0003;não-é-email;;;;;',
      'VIP ruim;11 97777-0004;;;talvez;;;',
      'Já Existia Atualizado;11 97777-0001;existia@example.com;São Paulo;;;VIP;',
      'Data ruim;11 97777-0005;;;;31/02/2000;;',
      'Demais;11 97777-0006;;;;;;;;extra',
    ].join('\r\n');
    const res = await csv(admin, file);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ rows: 9, created: 2, updated: 1, unchanged: 0, failed: 6, ignoredColumns: ['observação'] });
    // A stable code and params per row for clients to translate, and the English text for API clients.
    expect(res.body.errors).toEqual([
      { row: 3, code: 'missing_phone', error: 'phone is required' },
      { row: 4, code: 'invalid_phone', params: { value: '12345' }, error: 'phone "12345" is not a valid number' },
      { row: 6, code: 'invalid_email', params: { value: 'não-é-email' }, error: 'email "não-é-email" is not valid' },
      { row: 7, code: 'invalid_attribute', params: { attribute: 'vip', reason: 'boolean' }, error: 'vip: must be true or false' },
      { row: 9, code: 'invalid_attribute', params: { attribute: 'nascimento', reason: 'date' }, error: 'nascimento: must be a date YYYY-MM-DD' },
      { row: 10, code: 'too_many_cells', error: 'more cells than header columns' },
    ]);
    const list = (await get(admin, '/api/v1/contacts?limit=100')).body.data;
    const ana = list.find((c: { phone: string }) => c.phone === '+5511977770002');
    expect(ana).toMatchObject({ name: 'Ana Lima', email: 'ana@example.com', waId: '5511977770002', attributes: { cidade: 'Recife', vip: true, nascimento: '1990-05-17' } });
    expect(ana.labels.map((l: { name: string }) => l.name)).toEqual(['Atacado', 'VIP']);
    expect(list.find((c: { phone: string }) => c.phone === '+351912345679')).toMatchObject({ name: 'Bruno "Bê" Reis', attributes: { cidade: 'Lisboa', vip: false } });
    expect(list.find((c: { id: string }) => c.id === existing.id)).toMatchObject({ name: 'Já Existia Atualizado', email: 'existia@example.com', attributes: { cidade: 'São Paulo' } });

    const again = await csv(admin, file);
    expect(again.body).toMatchObject({ rows: 9, created: 0, updated: 0, unchanged: 3, failed: 6 });
    expect((await get(admin, '/api/v1/contacts?limit=100')).body.data).toHaveLength(list.length);
    const [entry] = await audit(admin, 'contact.imported');
    expect(entry!.metadata).toMatchObject({ rows: 9, unchanged: 3 });
  });

  it('gives list, length and quote errors their codes too (the first bad attribute in params, all in the text)', async () => {
    const admin = await signupOrg('Importação Códigos');
    await post(admin, '/api/v1/contact-attributes', { key: 'plano', label: 'Plano', type: 'list', options: ['Prata', 'Ouro'] });
    await post(admin, '/api/v1/contact-attributes', { key: 'pontos', label: 'Pontos', type: 'number' });
    const file = ['nome,telefone,plano,pontos', `${'N'.repeat(201)},11 97777-1001,,`, 'Ana,11 97777-1002,Bronze,muitos', 'Bia,11 97777-1003,"Ouro"x,'].join('\n');
    const res = await csv(admin, file);
    expect(res.body.errors).toEqual([
      { row: 2, code: 'name_too_long', params: { max: 200 }, error: 'name is longer than 200 characters' },
      { row: 3, code: 'invalid_attribute', params: { attribute: 'plano', reason: 'list', options: 'Prata, Ouro' }, error: 'plano: must be one of: Prata, Ouro; pontos: must be a number' },
      { row: 4, code: 'malformed_quotes', params: { detail: 'MissingQuotes' }, error: 'malformed quotes (MissingQuotes)' },
    ]);
  });

  it('imports a large file in batches (comma-separated, quoted newlines)', async () => {
    const admin = await signupOrg('Importação Grande');
    const lines = ['name,phone,email'];
    for (let i = 0; i < 650; i++) lines.push(`"Cliente ${i}\nlinha 2",+55 11 9${String(10_000_000 + i)},c${i}@example.com`);
    lines.push('Repetido,+55 11 910000000,outro@example.com');
    const res = await csv(admin, lines.join('\n'));
    // The last row repeats the first one's number, a batch later: it updates that contact.
    expect(res.body).toMatchObject({ rows: 651, created: 650, updated: 1, failed: 0, errors: [] });
    const found = await get(admin, '/api/v1/contacts?q=11910000001');
    expect(found.body.data[0]).toMatchObject({ name: 'Cliente 1\nlinha 2', email: 'c1@example.com' });
    expect((await get(admin, '/api/v1/contacts?q=11910000000')).body.data[0]).toMatchObject({ name: 'Repetido', email: 'outro@example.com' });
  });

  it('refuses what is not a CSV with a phone column, and agents', async () => {
    const admin = await signupOrg('Importação Ruim');
    const agent = await addMember(admin.orgId, 'agent');
    expect((await csv(agent, 'phone\n11977770002')).status).toBe(403);
    const noPhone = await csv(admin, 'name,email\nAna,ana@example.com');
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.code).toBe('invalid_csv');
    expect((await csv(admin, '')).status).toBe(400);
    expect((await csv(admin, '{"phone":"1"}', 'application/json')).status).toBe(415);
  });

  it('exports every contact as CSV (formula cells neutralised), which imports back unchanged', async () => {
    const admin = await signupOrg('Exportação');
    await post(admin, '/api/v1/contact-attributes', { key: 'plano', label: 'Plano', type: 'list', options: ['Prata', 'Ouro'] });
    await createContact(admin, { name: 'Ana, a "Primeira"', phone: '+55 11 96666-0001', attributes: { plano: 'Ouro' } });
    await createContact(admin, { name: '=HYPERLINK("http://evil")', phone: '+55 11 96666-0002' });
    const label = (await post(admin, '/api/v1/labels', { name: 'VIP' })).body.label;
    const third = await createContact(admin, { name: 'Carla', phone: '+351 912 000 111' });
    await post(admin, `/api/v1/contacts/${third.id}/labels`, { labelIds: [label.id] });

    const agent = await addMember(admin.orgId, 'agent');
    expect((await get(agent, '/api/v1/contacts/export')).status).toBe(403);
    const res = await get(admin, '/api/v1/contacts/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="contatos-\d{4}-\d\d-\d\d\.csv"/);
    const text = res.body as string;
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('id,name,phone,email,whatsapp_id,profile_name,labels,created_at,plano');
    expect(lines).toHaveLength(4);
    expect(text).toContain('"Ana, a ""Primeira""",+5511966660001,,5511966660001,,,');
    expect(text).toContain(',Ouro');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")",+5511966660002`);
    expect(text).toContain(',+351912000111,,351912000111,,VIP,');

    const back = await csv(admin, text);
    expect(back.body).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect((await get(admin, `/api/v1/contacts?q=hyperlink`)).body.data[0].name).toBe('=HYPERLINK("http://evil")');
    expect(await audit(admin, 'contact.exported')).toHaveLength(1);
  });
});

describe('tenant isolation', () => {
  it('answers 404 for another organisation’s contact ids, and audits the attempt', async () => {
    const owner = await signupOrg('Dona');
    const contact = await createContact(owner, { name: 'Secreta', phone: '+55 11 95555-0101' });
    const note = (await post(owner, `/api/v1/contacts/${contact.id}/notes`, { body: 'nota' })).body.note;
    const intruder = await signupOrg('Intrusa');
    const mine = await createContact(intruder, { name: 'Minha' });
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/contacts/${contact.id}`],
      ['PATCH', `/api/v1/contacts/${contact.id}`, { name: 'Hackeada' }],
      ['GET', `/api/v1/contacts/${contact.id}/notes`],
      ['POST', `/api/v1/contacts/${contact.id}/notes`, { body: 'x' }],
      ['DELETE', `/api/v1/contacts/${contact.id}/notes/${note.id}`],
      ['POST', `/api/v1/contacts/${contact.id}/merge`, { otherId: mine.id }],
      ['POST', `/api/v1/contacts/${mine.id}/merge`, { otherId: contact.id }],
      ['POST', `/api/v1/contacts/${contact.id}/labels`, { labelIds: [crypto.randomUUID()] }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api(method, path, { token: intruder.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const log = await get(intruder, '/api/v1/audit-logs?action=security.cross_tenant_attempt');
    expect(log.body.data.length).toBe(attempts.length);
    expect((await get(owner, `/api/v1/contacts/${contact.id}`)).body.contact.name).toBe('Secreta');
    expect((await get(intruder, '/api/v1/contacts/not-a-uuid')).status).toBe(400);
    expect((await get(intruder, `/api/v1/contacts/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await api('GET', '/api/v1/contacts')).status).toBe(401);
  });
});
