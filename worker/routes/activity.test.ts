// Issue 15 (10): who assigned, resolved, reopened, snoozed, set pending or labelled — in the chat's timeline (private
// system events, never sent, never the row's preview) and in the audit log.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, messagesOf, nowSeconds, postWebhook } from '../../test/whatsapp';

describe('activity trail', () => {
  it('records assignment, status and label changes as timeline events and audit entries', async () => {
    const admin = await signupOrg('Trilha');
    const agent = await addMember(admin.orgId, 'agent');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Preciso de ajuda', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const patch = (body: unknown) => api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body });
    expect((await patch({ assigneeId: agent.userId })).status).toBe(200);
    expect((await patch({ status: 'pending' })).status).toBe(200);
    expect((await patch({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(200);
    expect((await patch({ status: 'open' })).status).toBe(200);
    expect((await patch({ important: true })).status).toBe(200); // not an activity
    const label = await api('POST', '/api/v1/labels', { token: admin.accessToken, body: { name: 'VIP', color: '#15803d' } });
    expect((await api('POST', `/api/v1/conversations/${conv.id}/labels`, { token: admin.accessToken, body: { labelIds: [label.body.label.id] } })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/conversations/${conv.id}/labels/${label.body.label.id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await patch({ status: 'resolved' })).status).toBe(200);

    const events = (await messagesOf(admin, conv.id)).filter((m) => m.kind === 'system').reverse();
    expect(events.map((m) => m.payload.activity)).toEqual([
      { type: 'assigned', to: agent.userId },
      { type: 'status', status: 'pending' },
      { type: 'status', status: 'snoozed', until: expect.any(String) },
      { type: 'status', status: 'open' },
      { type: 'labelled', added: ['VIP'], removed: [] },
      { type: 'labelled', added: [], removed: ['VIP'] },
      { type: 'status', status: 'resolved' },
    ]);
    expect(events.every((m) => m.isPrivate && m.senderUserId === admin.userId)).toBe(true);
    // The row still previews the customer's message.
    const row = (await api('GET', '/api/v1/conversations?status=resolved&limit=100', { token: admin.accessToken })).body.data.find((c: { id: string }) => c.id === conv.id);
    expect(row.lastMessagePreview).toBe('Preciso de ajuda');
    const audit = await api('GET', '/api/v1/audit-logs?action=conversation.', { token: admin.accessToken });
    expect(audit.body.data.map((r: { action: string }) => r.action).sort()).toEqual(
      ['conversation.assigned', 'conversation.labelled', 'conversation.labelled', 'conversation.status_changed', 'conversation.status_changed', 'conversation.status_changed', 'conversation.status_changed'].sort(),
    );
  });

  it('a reply to an unassigned conversation makes the replier its assignee, unless the organisation turned that off', async () => {
    const admin = await signupOrg('Quem Responde');
    const agent = await addMember(admin.orgId, 'agent');
    const ch = await connectChannel(admin);
    const write = async () => {
      const from = customerNumber();
      await postWebhook(fx.textMessage('Alguém aí?', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
      return conversationOf(admin, from);
    };
    const first = await write();
    expect(first.assigneeId).toBeNull();
    expect((await api('POST', `/api/v1/conversations/${first.id}/messages`, { token: agent.accessToken, body: { type: 'text', text: 'Estou aqui!' } })).status).toBe(202);
    const detail = (await api('GET', `/api/v1/conversations/${first.id}`, { token: admin.accessToken })).body.conversation;
    expect(detail.assigneeId).toBe(agent.userId);
    expect((await messagesOf(admin, first.id)).find((m) => m.kind === 'system')?.payload.activity).toEqual({ type: 'assigned', to: agent.userId });
    // A private note takes nothing.
    const noted = await write();
    expect((await api('POST', `/api/v1/conversations/${noted.id}/messages`, { token: agent.accessToken, body: { type: 'note', text: 'ver depois' } })).status).toBe(202);
    expect((await api('GET', `/api/v1/conversations/${noted.id}`, { token: admin.accessToken })).body.conversation.assigneeId).toBeNull();

    expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { assignOnReply: false } })).body.organization.assignOnReply).toBe(false);
    const second = await write();
    expect((await api('POST', `/api/v1/conversations/${second.id}/messages`, { token: agent.accessToken, body: { type: 'text', text: 'Oi!' } })).status).toBe(202);
    expect((await api('GET', `/api/v1/conversations/${second.id}`, { token: admin.accessToken })).body.conversation.assigneeId).toBeNull();
  });
});
