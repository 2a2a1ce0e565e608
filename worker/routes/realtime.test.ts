import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg } from '../../test/harness';
import { connect, settled, ticket, upgrade } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, fake, nowSeconds, postWebhook } from '../../test/whatsapp';

async function setup() {
  const admin = await signupOrg('Tempo Real');
  const ch = await connectChannel(admin);
  const from = customerNumber();
  const o = (extra: Record<string, unknown> = {}) => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(), ...extra });
  await postWebhook(fx.textMessage('Primeira', o()));
  const conv = await conversationOf(admin, from);
  const say = async (text: string) => {
    const id = fx.wamid();
    expect((await postWebhook(fx.textMessage(text, o({ id })))).status).toBe(200);
    return id;
  };
  return { admin, ch, from, conv, say };
}

describe('realtime connections', () => {
  it('need a valid ticket, once', async () => {
    const { admin, conv } = await setup();
    expect((await upgrade(`/api/v1/conversations/${conv.id}/ws`)).status).toBe(400);
    expect((await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${'x'.repeat(40)}`)).status).toBe(401);
    const t = await ticket(admin);
    expect((await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${t}`)).status).toBe(101);
    const reused = await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${t}`);
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as any).error.code).toBe('ticket_used');
    expect((await api('POST', '/api/v1/realtime/ticket')).status).toBe(401);
  });

  it('deliver a customer message to both agents in the room, once each, in order', async () => {
    const { admin, conv, say } = await setup();
    const manager = await addMember(admin.orgId, 'manager');
    const a = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    const b = await connect(manager, `/api/v1/conversations/${conv.id}/ws`);
    const first = await say('Segunda mensagem');
    const second = await say('Terceira mensagem');
    for (const s of [a, b]) {
      await eventually(async () => s.events.filter((e) => e.type === 'message.created').length >= 2);
      const created = s.events.filter((e) => e.type === 'message.created');
      expect(created.map((e) => (e.data as any).providerMessageId)).toEqual([first, second]);
      expect(created[1]!.seq).toBeGreaterThan(created[0]!.seq);
    }
    await settled(a, b);
    expect(a.events.filter((e) => e.type === 'message.created')).toHaveLength(2);
    expect(b.events.filter((e) => e.type === 'message.created')).toHaveLength(2);
    a.close();
    b.close();
  });

  it('refuse an agent whose access does not cover the conversation', async () => {
    const { admin, conv } = await setup();
    const owner = await addMember(admin.orgId, 'agent');
    const outsider = await addMember(admin.orgId, 'agent');
    await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: owner.userId } });
    const res = await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${await ticket(outsider)}`);
    expect(res.status).toBe(403);
    expect((await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${await ticket(owner)}`)).status).toBe(101);
    const stranger = await signupOrg('Outra');
    expect((await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${await ticket(stranger)}`)).status).toBe(404);
  });

  it('replay exactly the missed events to a client reconnecting with its last seq', async () => {
    const { admin, conv, say } = await setup();
    const s1 = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    await say('Antes');
    const seen = await s1.next('message.created');
    s1.close();
    const missed = [await say('Perdida 1'), await say('Perdida 2')];
    // Both are published to the room while nobody is connected…
    const room = env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${admin.orgId}:${conv.id}`));
    await eventually(async () => runInDurableObject(room, async (_o, state) => ((await state.storage.get<number>('seq')) ?? 0) >= seen.seq + 2));
    // …and the reconnecting client gets exactly those.
    const s2 = await connect(admin, `/api/v1/conversations/${conv.id}/ws`, seen.seq);
    await eventually(async () => s2.events.length >= 2);
    await settled(s2);
    expect(s2.events.map((e) => [e.type, (e.data as any).providerMessageId])).toEqual(missed.map((id) => ['message.created', id]));
    expect(s2.events.map((e) => e.seq)).toEqual([seen.seq + 1, seen.seq + 2]);
    s2.close();
  });

  it('carry typing to the others only, and a read mark that zeroes unread and tells WhatsApp', async () => {
    const { admin, ch, conv } = await setup();
    const manager = await addMember(admin.orgId, 'manager');
    const a = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    const b = await connect(manager, `/api/v1/conversations/${conv.id}/ws`);
    a.send({ type: 'typing', data: { state: 'on' } });
    const typing = await b.next('typing');
    expect(typing.data).toEqual({ userId: admin.userId, state: 'on' });
    await settled(a);
    expect(a.events.some((e) => e.type === 'typing')).toBe(false);

    // Reading goes through REST (the room holds no database connection); the room tells the others.
    await fake('DELETE', '/requests');
    expect((await api('POST', `/api/v1/conversations/${conv.id}/read`, { token: admin.accessToken })).status).toBe(204);
    const read = await b.next('read');
    expect(read.data).toMatchObject({ userId: admin.userId });
    const after = await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken });
    expect(after.body.conversation.unreadCount).toBe(0);
    const reqs = (await fake('GET', '/requests')).body.data as any[];
    expect(reqs.some((r) => r.path.includes(`${ch.phoneNumberId}/messages`) && r.body?.status === 'read')).toBe(true);

    a.send('ping');
    await eventually(async () => a.frames.includes('pong'));
    a.send({ type: 'read' });
    expect(((await a.next('error')).data as any).code).toBe('bad_command');
    a.send({ type: 'nonsense' });
    const err = await a.next('error');
    expect((err.data as any).code).toBe('bad_command');
    a.close();
    b.close();
  });

  it('close an agent’s socket when the conversation is assigned to someone else; managers stay and see the change', async () => {
    const { admin, conv, say } = await setup();
    const a = await addMember(admin.orgId, 'agent');
    const b = await addMember(admin.orgId, 'agent');
    const manager = await addMember(admin.orgId, 'manager');
    const path = `/api/v1/conversations/${conv.id}/ws`;
    const assign = async (assigneeId: string | null) =>
      expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: manager.accessToken, body: { assigneeId } })).status).toBe(200);
    // Unassigned → A's own: nobody loses access, nobody is closed.
    const agentA = await connect(a, path);
    const agentB = await connect(b, path);
    const watcher = await connect(manager, path);
    await assign(a.userId);
    await watcher.next('conversation.updated', (e) => (e.data as any).assigneeId === a.userId);
    await eventually(async () => agentB.closed);
    expect(agentB.closed).toEqual({ code: 4003, reason: 'reassigned' });
    expect(agentA.closed).toBeNull();

    await assign(b.userId);
    await eventually(async () => agentA.closed);
    expect(agentA.closed).toEqual({ code: 4003, reason: 'reassigned' });
    const update = await watcher.next('conversation.updated', (e) => (e.data as any).assigneeId === b.userId);
    expect(update.data).toMatchObject({ id: conv.id, assigneeId: b.userId });
    expect(agentA.events.some((e) => e.type === 'conversation.updated' && (e.data as any).assigneeId === b.userId)).toBe(false);

    // The manager keeps streaming; the new assignee may join; A may not come back.
    const newOwner = await connect(b, path);
    await say('Quem me atende agora?');
    for (const s of [watcher, newOwner]) await s.next('message.created', (e) => (e.data as any).body === 'Quem me atende agora?');
    expect(watcher.closed).toBeNull();
    expect(agentA.events.some((e) => e.type === 'message.created' && (e.data as any).body === 'Quem me atende agora?')).toBe(false);
    expect((await upgrade(`${path}?ticket=${await ticket(a)}`)).status).toBe(403);

    // Back to the queue: every agent may read it again; nobody still connected is closed.
    await assign(null);
    await watcher.next('conversation.updated', (e) => (e.data as any).assigneeId === null);
    await settled(newOwner, watcher);
    expect(newOwner.closed).toBeNull();
    expect(watcher.closed).toBeNull();
    watcher.close();
    newOwner.close();
  });
});

describe('the organisation inbox', () => {
  it('shows agents only their own and unassigned conversations, and hides one assigned away', async () => {
    const { admin, conv, say } = await setup();
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const agentInbox = await connect(agent, '/api/v1/inbox/ws');
    const adminInbox = await connect(admin, '/api/v1/inbox/ws');
    await say('Alguém aí?');
    await agentInbox.next('conversation.updated', (e) => (e.data as any).id === conv.id);
    await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: other.userId } });
    await agentInbox.next('conversation.hidden', (e) => (e.data as any).id === conv.id);
    await say('E agora?');
    await adminInbox.next('conversation.updated', (e) => (e.data as any).id === conv.id && (e.data as any).lastMessagePreview === 'E agora?');
    await settled(agentInbox);
    const leaked = agentInbox.events.filter((e) => e.type === 'conversation.updated' && (e.data as any).assigneeId === other.userId);
    expect(leaked).toEqual([]);
    agentInbox.close();
    adminInbox.close();
  });

  it('closes the sockets of a member who is removed', async () => {
    const { admin } = await setup();
    const agent = await addMember(admin.orgId, 'agent');
    const sock = await connect(agent, '/api/v1/inbox/ws');
    expect((await api('DELETE', `/api/v1/members/${agent.userId}`, { token: admin.accessToken })).status).toBe(204);
    await eventually(async () => sock.closed);
    expect(sock.closed?.code).toBe(4003);
  });

  it('closes a member’s conversation-room sockets too when their role changes or they are removed', async () => {
    const { admin, conv, say } = await setup();
    const agent = await addMember(admin.orgId, 'agent');
    const colleague = await addMember(admin.orgId, 'manager');
    const path = `/api/v1/conversations/${conv.id}/ws`;
    const room = await connect(agent, path);
    const inbox = await connect(agent, '/api/v1/inbox/ws');
    const bystander = await connect(colleague, path);

    expect((await api('PATCH', `/api/v1/members/${agent.userId}`, { token: admin.accessToken, body: { role: 'manager' } })).status).toBe(200);
    await eventually(async () => room.closed && inbox.closed);
    expect(room.closed).toEqual({ code: 4003, reason: 'role changed' });
    expect(inbox.closed?.code).toBe(4003);
    // Only theirs: a colleague in the same room keeps receiving.
    await say('Ainda aí?');
    await bystander.next('message.created');
    expect(bystander.closed).toBeNull();

    // Reconnected with the new role, and then removed: the room socket closes again.
    const again = await connect(agent, path);
    expect((await api('DELETE', `/api/v1/members/${agent.userId}`, { token: admin.accessToken })).status).toBe(204);
    await eventually(async () => again.closed);
    expect(again.closed).toEqual({ code: 4003, reason: 'membership removed' });
    expect(bystander.closed).toBeNull();
    bystander.close();
  });
});

describe('ticketed socket routes', () => {
  it('are exactly the inbox and conversation sockets; any other GET …/ws needs a Bearer token', async () => {
    const { createApp } = await import('../app');
    const sockets = [...new Set(createApp().routes.filter((r) => r.method === 'GET' && r.path.endsWith('/ws')).map((r) => r.path))].sort();
    expect(sockets).toEqual(['/api/v1/conversations/:id/ws', '/api/v1/inbox/ws']);
    // Not a socket route, though it ends in /ws: authenticated like the rest of the API.
    const res = await api('GET', '/api/v1/conversations/not-a-uuid/ws');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toMatch(/token|unauthorized/);
  });
});
