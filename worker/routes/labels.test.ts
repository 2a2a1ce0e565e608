// Labels: admins and managers keep the organisation's set; tagging contacts follows contacts.write, tagging
// conversations follows the conversation rules (agents: own or unassigned).
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';

const post = (s: Session, path: string, body: unknown) => api('POST', path, { token: s.accessToken, body });
const patch = (s: Session, path: string, body: unknown) => api('PATCH', path, { token: s.accessToken, body });
const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });
const createContact = async (s: Session, body: Record<string, unknown>) => {
  const res = await post(s, '/api/v1/contacts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.contact as { id: string };
};
async function customerWrites(admin: Session, ch: TestChannel, text: string) {
  const from = customerNumber();
  await postWebhook(fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
  return { from, conv: await conversationOf(admin, from) };
}

describe('labels', () => {
  it('admins and managers manage them, anyone tags contacts; agents tag only conversations they may edit', async () => {
    const admin = await signupOrg('Etiquetas');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    expect((await post(agent, '/api/v1/labels', { name: 'Atacado' })).status).toBe(403);
    const atacado = await post(manager, '/api/v1/labels', { name: 'Atacado' });
    expect(atacado.status).toBe(201);
    expect(atacado.body.label).toMatchObject({ name: 'Atacado', color: '#6b7280' });
    expect((await post(admin, '/api/v1/labels', { name: 'atacado' })).status).toBe(409);
    expect((await post(admin, '/api/v1/labels', { name: 'Cor', color: 'red' })).status).toBe(400);
    const urgente = (await post(admin, '/api/v1/labels', { name: 'Urgente', color: '#ef4444' })).body.label;
    expect((await get(agent, '/api/v1/labels')).body.data.map((l: { name: string }) => l.name)).toEqual(['Atacado', 'Urgente']);

    const contact = await createContact(agent, { name: 'Tagged' });
    expect((await post(agent, `/api/v1/contacts/${contact.id}/labels`, { labelIds: [atacado.body.label.id, urgente.id, urgente.id] })).body.data).toHaveLength(2);
    expect((await api('DELETE', `/api/v1/contacts/${contact.id}/labels/${urgente.id}`, { token: agent.accessToken })).status).toBe(204);
    expect((await get(agent, `/api/v1/contacts/${contact.id}`)).body.contact.labels.map((l: { name: string }) => l.name)).toEqual(['Atacado']);
    const foreign = (await post(await signupOrg('Outras Etiquetas'), '/api/v1/labels', { name: 'Deles' })).body.label;
    const refused = await post(agent, `/api/v1/contacts/${contact.id}/labels`, { labelIds: [foreign.id] });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unknown_label');

    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, 'Preciso de ajuda');
    const convLabels = `/api/v1/conversations/${conv.id}/labels`;
    expect((await post(agent, convLabels, { labelIds: [urgente.id] })).body.data).toMatchObject([{ name: 'Urgente' }]);
    expect((await patch(admin, `/api/v1/conversations/${conv.id}`, { assigneeId: other.userId })).status).toBe(200);
    expect((await post(agent, convLabels, { labelIds: [atacado.body.label.id] })).status).toBe(403);
    expect((await get(agent, convLabels)).status).toBe(403);
    expect((await get(other, convLabels)).body.data).toMatchObject([{ name: 'Urgente' }]);
    expect((await api('DELETE', `${convLabels}/${urgente.id}`, { token: other.accessToken })).status).toBe(204);
    // Renaming and deleting a label (its taggings go with it).
    expect((await patch(admin, `/api/v1/labels/${urgente.id}`, { name: 'Muito urgente' })).body.label.name).toBe('Muito urgente');
    expect((await api('DELETE', `/api/v1/labels/${atacado.body.label.id}`, { token: manager.accessToken })).status).toBe(204);
    expect((await get(agent, `/api/v1/contacts/${contact.id}`)).body.contact.labels).toEqual([]);
  });

  it('answers 404 for another organisation’s labels and conversations, and audits the attempts', async () => {
    const owner = await signupOrg('Etiquetas Donas');
    const label = (await post(owner, '/api/v1/labels', { name: 'Secreta' })).body.label;
    const ch = await connectChannel(owner);
    const { conv } = await customerWrites(owner, ch, 'Oi');
    const intruder = await signupOrg('Etiquetas Intrusas');
    const mine = (await post(intruder, '/api/v1/labels', { name: 'Minha' })).body.label;
    const attempts: [string, string, unknown?][] = [
      ['PATCH', `/api/v1/labels/${label.id}`, { name: 'Hack' }],
      ['DELETE', `/api/v1/labels/${label.id}`],
      ['GET', `/api/v1/conversations/${conv.id}/labels`],
      ['POST', `/api/v1/conversations/${conv.id}/labels`, { labelIds: [mine.id] }],
      ['DELETE', `/api/v1/conversations/${conv.id}/labels/${label.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api(method, path, { token: intruder.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await get(intruder, '/api/v1/audit-logs?action=security.cross_tenant_attempt')).body.data).toHaveLength(attempts.length);
    expect((await get(owner, '/api/v1/labels')).body.data).toMatchObject([{ name: 'Secreta' }]);
    for (const body of [{ labelIds: [] }, { labelIds: ['x'] }, {}]) expect((await post(intruder, `/api/v1/conversations/${conv.id}/labels`, body)).status).toBe(400);
  });
});

describe('conversation labels in the inbox', () => {
  it('every row and the detail carry their labels by name; ?label= filters, an unknown or foreign label id is an empty list', async () => {
    const admin = await signupOrg('Filtro por Etiqueta');
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const vip = (await post(admin, '/api/v1/labels', { name: 'VIP', color: '#eab308' })).body.label;
    const atraso = (await post(admin, '/api/v1/labels', { name: 'Atraso', color: '#ef4444' })).body.label;
    const ch = await connectChannel(admin);
    const one = (await customerWrites(admin, ch, 'Um')).conv;
    const two = (await customerWrites(admin, ch, 'Dois')).conv;
    const bare = (await customerWrites(admin, ch, 'Três')).conv;
    expect((await post(admin, `/api/v1/conversations/${one.id}/labels`, { labelIds: [vip.id] })).status).toBe(200);
    expect((await post(admin, `/api/v1/conversations/${two.id}/labels`, { labelIds: [vip.id, atraso.id] })).status).toBe(200);

    const list = async (s: Session, q = '') => {
      const res = await get(s, `/api/v1/conversations${q}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data as { id: string; labels: { id: string; name: string; color: string }[] }[];
    };
    const ref = (l: { id: string; name: string; color: string }) => ({ id: l.id, name: l.name, color: l.color });
    const all = await list(admin);
    expect(new Map(all.map((r) => [r.id, r.labels]))).toEqual(
      new Map([
        [one.id, [ref(vip)]],
        [two.id, [ref(atraso), ref(vip)]],
        [bare.id, []],
      ]),
    );
    expect((await list(admin, `?label=${vip.id}`)).map((r) => r.id).sort()).toEqual([one.id, two.id].sort());
    expect((await list(admin, `?label=${atraso.id}`)).map((r) => r.id)).toEqual([two.id]);
    expect((await list(admin, `?label=${atraso.id}&status=resolved`))).toEqual([]);
    expect(await list(admin, `?label=${crypto.randomUUID()}`)).toEqual([]);
    const foreign = (await post(await signupOrg('Etiqueta Alheia'), '/api/v1/labels', { name: 'VIP' })).body.label;
    expect(await list(admin, `?label=${foreign.id}`)).toEqual([]);
    const bad = await get(admin, '/api/v1/conversations?label=vip');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBeTruthy();

    // The filter keeps the agent's own view: a labelled conversation assigned to a colleague stays out.
    await patch(admin, `/api/v1/conversations/${two.id}`, { assigneeId: other.userId });
    expect((await list(agent, `?label=${vip.id}`)).map((r) => r.id)).toEqual([one.id]);
    expect((await list(other, `?label=${vip.id}`)).map((r) => r.id).sort()).toEqual([one.id, two.id].sort());

    const detail = await get(admin, `/api/v1/conversations/${two.id}`);
    expect(detail.body.conversation.labels).toEqual([ref(atraso), ref(vip)]);
    expect((await get(admin, `/api/v1/conversations/${bare.id}`)).body.conversation.labels).toEqual([]);
  });

  it('applying and removing a label reaches other agents’ inbox and open chat live; other tenants hear nothing', async () => {
    const admin = await signupOrg('Etiqueta ao Vivo');
    const agent = await addMember(admin.orgId, 'agent');
    const manager = await addMember(admin.orgId, 'manager');
    const vip = (await post(admin, '/api/v1/labels', { name: 'VIP' })).body.label;
    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, 'Olá');
    const inbox = await connect(agent, '/api/v1/inbox/ws');
    const room = await connect(agent, `/api/v1/conversations/${conv.id}/ws`);
    const stranger = await connect(await signupOrg('Estranha'), '/api/v1/inbox/ws');
    // Conversation rows carry labels; the trail's message.created events between them do not.
    const labelled = (e: { data: unknown }) => (e.data as { id: string; labels?: { id: string }[] }).labels?.some((l) => l.id === vip.id) ?? false;

    expect((await post(manager, `/api/v1/conversations/${conv.id}/labels`, { labelIds: [vip.id] })).status).toBe(200);
    for (const sock of [inbox, room]) {
      const ev = await sock.next('conversation.updated', labelled);
      expect(ev.data).toMatchObject({ id: conv.id, labels: [{ id: vip.id, name: 'VIP', color: vip.color }], contact: { id: conv.contact.id } });
    }
    expect((await api('DELETE', `/api/v1/conversations/${conv.id}/labels/${vip.id}`, { token: manager.accessToken })).status).toBe(204);
    for (const sock of [inbox, room]) {
      const ev = await sock.next('conversation.updated', (e) => !labelled(e) && e.seq > sock.events.find(labelled)!.seq);
      expect((ev.data as { labels: unknown[] }).labels).toEqual([]);
    }
    await settled(stranger);
    expect(stranger.events).toEqual([]);
    for (const s of [inbox, room, stranger]) s.close();
  });
  it('renaming or deleting a label tells every open inbox in one event, not one per tagged conversation; other tenants hear nothing', async () => {
    const admin = await signupOrg('Etiqueta Renomeada');
    const agent = await addMember(admin.orgId, 'agent');
    const manager = await addMember(admin.orgId, 'manager');
    const vip = (await post(admin, '/api/v1/labels', { name: 'VIP', color: '#22c55e' })).body.label;
    const ch = await connectChannel(admin);
    const convs = [(await customerWrites(admin, ch, 'Um')).conv, (await customerWrites(admin, ch, 'Dois')).conv];
    for (const conv of convs) expect((await post(manager, `/api/v1/conversations/${conv.id}/labels`, { labelIds: [vip.id] })).status).toBe(200);
    const agentInbox = await connect(agent, '/api/v1/inbox/ws');
    const managerInbox = await connect(manager, '/api/v1/inbox/ws');
    const stranger = await connect(await signupOrg('Estranha Renomeada'), '/api/v1/inbox/ws');

    expect((await patch(admin, `/api/v1/labels/${vip.id}`, { name: 'Cliente VIP', color: '#ef4444' })).status).toBe(200);
    for (const sock of [agentInbox, managerInbox]) {
      const ev = await sock.next('label.updated');
      expect(ev.data).toEqual({ label: { id: vip.id, name: 'Cliente VIP', color: '#ef4444', description: null, createdAt: vip.createdAt } });
    }
    // A rename that fails (name taken) says nothing.
    await post(admin, '/api/v1/labels', { name: 'Outra' });
    expect((await patch(admin, `/api/v1/labels/${vip.id}`, { name: 'outra' })).status).toBe(409);

    expect((await api('DELETE', `/api/v1/labels/${vip.id}`, { token: manager.accessToken })).status).toBe(204);
    for (const sock of [agentInbox, managerInbox]) expect((await sock.next('label.deleted')).data).toEqual({ id: vip.id });
    expect((await api('DELETE', `/api/v1/labels/${vip.id}`, { token: manager.accessToken })).status).toBe(404);
    await settled(agentInbox, managerInbox, stranger);
    for (const sock of [agentInbox, managerInbox]) {
      expect(sock.events.filter((e) => e.type.startsWith('label.')).map((e) => e.type)).toEqual(['label.updated', 'label.deleted']);
      expect(sock.events.filter((e) => e.type === 'conversation.updated')).toEqual([]);
    }
    expect(stranger.events).toEqual([]);
    for (const s of [agentInbox, managerInbox, stranger]) s.close();
  });
});
