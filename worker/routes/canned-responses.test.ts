// Canned responses: admins and managers keep them (unique shortcut, known variables only), everyone lists and
// renders them for a contact or conversation.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';
import { renderCannedResponse, unknownVariables } from '../domain/canned-variables';

const post = (s: Session, path: string, body: unknown) => api('POST', path, { token: s.accessToken, body });
const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });

describe('rendering', () => {
  it('fills contact, agent and organisation variables, and lists what it could not fill', () => {
    const ctx = {
      contact: { name: 'Maria Conceição Silva', phone: '+5511987654321', email: null, attributes: { plano: 'Ouro', pedidos: 3 } },
      agent: { name: 'Alice Agente' },
      organization: { name: 'Loja Demo' },
    };
    expect(renderCannedResponse('Olá {{contact.first_name}}! Sou {{ agent.first_name }}, da {{organization.name}}.', ctx)).toEqual({
      text: 'Olá Maria! Sou Alice, da Loja Demo.',
      missing: [],
    });
    expect(renderCannedResponse('{{contact.name}} ({{contact.phone}}) — plano {{contact.attributes.plano}}, {{contact.attributes.pedidos}} pedidos', ctx).text).toBe(
      'Maria Conceição Silva (+5511987654321) — plano Ouro, 3 pedidos',
    );
    expect(renderCannedResponse('Enviaremos para {{contact.email}} , ok?', ctx)).toEqual({ text: 'Enviaremos para, ok?', missing: ['contact.email'] });
    expect(renderCannedResponse('Oi {{contact.name}}!', { contact: { name: null, profileName: 'Mari 🌸', phone: null, email: null } }).text).toBe('Oi Mari 🌸!');
    expect(renderCannedResponse('Oi {{contact.name}}!', {})).toEqual({ text: 'Oi!', missing: ['contact.name'] });
    expect(unknownVariables('{{contact.nome}} {{contact.name}} {{contact.attributes.plano}} {{contact.attributes.x}}', new Set(['plano']))).toEqual(['contact.nome', 'contact.attributes.x']);
  });
});

describe('canned responses', () => {
  it('are kept by admins and managers, with unique shortcuts and known variables', async () => {
    const admin = await signupOrg('Respostas');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const body = { shortcut: 'Frete', title: 'Frete grátis', body: 'Oi {{contact.first_name}}, o frete é grátis acima de R$ 199!' };
    expect((await post(agent, '/api/v1/canned-responses', body)).status).toBe(403);
    const created = await post(manager, '/api/v1/canned-responses', body);
    expect(created.status).toBe(201);
    expect(created.body.cannedResponse).toMatchObject({ shortcut: 'frete', title: 'Frete grátis', createdBy: manager.userId, variables: ['contact.first_name'] });
    const dup = await post(admin, '/api/v1/canned-responses', { ...body, shortcut: 'FRETE' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('shortcut_taken');
    const unknown = await post(admin, '/api/v1/canned-responses', { shortcut: 'x', title: 'x', body: 'Olá {{cliente.nome}}' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_variable', message: expect.stringContaining('{{contact.name}}') });
    for (const bad of [{ shortcut: 'com espaço', title: 'x', body: 'x' }, { shortcut: 'x', title: '', body: 'x' }, { shortcut: 'x', title: 'x', body: 'x'.repeat(4097) }]) {
      expect((await post(admin, '/api/v1/canned-responses', bad)).status).toBe(400);
    }
    await post(admin, '/api/v1/contact-attributes', { key: 'plano', label: 'Plano', type: 'text' });
    const pix = await post(admin, '/api/v1/canned-responses', { shortcut: 'pix', title: 'Chave Pix', body: 'Plano {{contact.attributes.plano}}: a chave Pix é 12.345.678/0001-90' });
    expect(pix.status).toBe(201);

    const list = await get(agent, '/api/v1/canned-responses');
    expect(list.body.data.map((r: { shortcut: string }) => r.shortcut)).toEqual(['frete', 'pix']);
    expect((await get(agent, '/api/v1/canned-responses?q=/fr')).body.data.map((r: { shortcut: string }) => r.shortcut)).toEqual(['frete']);
    expect((await get(agent, '/api/v1/canned-responses?q=chave')).body.data.map((r: { shortcut: string }) => r.shortcut)).toEqual(['pix']);

    const id = created.body.cannedResponse.id;
    expect((await api('PATCH', `/api/v1/canned-responses/${id}`, { token: agent.accessToken, body: { title: 'x' } })).status).toBe(403);
    const edited = await api('PATCH', `/api/v1/canned-responses/${id}`, { token: admin.accessToken, body: { body: 'Frete grátis, {{agent.name}}' } });
    expect(edited.body.cannedResponse).toMatchObject({ body: 'Frete grátis, {{agent.name}}', variables: ['agent.name'] });
    expect((await api('PATCH', `/api/v1/canned-responses/${id}`, { token: admin.accessToken, body: { shortcut: 'pix' } })).status).toBe(409);
    expect((await api('DELETE', `/api/v1/canned-responses/${id}`, { token: manager.accessToken })).status).toBe(204);
    expect((await api('DELETE', `/api/v1/canned-responses/${id}`, { token: manager.accessToken })).status).toBe(404);
  });

  it('render for a contact or a conversation the agent may read', async () => {
    const admin = await signupOrg('Padaria Pão Quente');
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const canned = (await post(admin, '/api/v1/canned-responses', { shortcut: 'oi', title: 'Saudação', body: 'Olá {{contact.first_name}}! Aqui é {{agent.first_name}}, da {{organization.name}}. Seu e-mail: {{contact.email}}' })).body.cannedResponse;
    const contact = (await post(admin, '/api/v1/contacts', { name: 'Joana Souza', phone: '+55 11 97000-0001' })).body.contact;
    const render = (s: Session, body: unknown) => post(s, `/api/v1/canned-responses/${canned.id}/render`, body);

    const res = await render(agent, { contactId: contact.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ text: 'Olá Joana! Aqui é agent, da Padaria Pão Quente. Seu e-mail:', missing: ['contact.email'] });

    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Bom dia', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name: 'Carlos Dias', timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    expect((await render(agent, { conversationId: conv.id })).body.text).toMatch(/^Olá Carlos!/);
    await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: other.userId } });
    expect((await render(agent, { conversationId: conv.id })).status).toBe(403);
    expect((await render(agent, {})).body.text).toBe('Olá! Aqui é agent, da Padaria Pão Quente. Seu e-mail:');
    expect((await render(agent, { contactId: contact.id, conversationId: conv.id })).status).toBe(400);

    // Other tenants' ids: 404, audited.
    const intruder = await signupOrg('Intrusa das Respostas');
    expect((await post(intruder, `/api/v1/canned-responses/${canned.id}/render`, {})).status).toBe(404);
    const theirs = (await post(intruder, '/api/v1/canned-responses', { shortcut: 'oi', title: 'Oi', body: 'Oi {{contact.name}}' })).body.cannedResponse;
    expect((await post(intruder, `/api/v1/canned-responses/${theirs.id}/render`, { contactId: contact.id })).status).toBe(404);
    expect((await api('PATCH', `/api/v1/canned-responses/${canned.id}`, { token: intruder.accessToken, body: { title: 'Hack' } })).status).toBe(404);
    expect((await get(intruder, '/api/v1/audit-logs?action=security.cross_tenant_attempt')).body.data).toHaveLength(3);
    expect((await get(intruder, '/api/v1/canned-responses')).body.data.map((r: { id: string }) => r.id)).toEqual([theirs.id]);
  });
});
