// Legal holds (tenant admins place and lift them with a reason; history and audit kept) and messages marked important
// (whoever may see the conversation): the API side of retention's exclusions (worker/jobs/retention.test.ts has the rest).
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, messagesOf, nowSeconds, postWebhook } from '../../test/whatsapp';
import { auditLogs, conversations, legalHolds } from '../db/schema';

const { db } = testDb();

async function setup(name: string) {
  const admin = await signupOrg(name);
  const ch = await connectChannel(admin);
  const from = customerNumber();
  await postWebhook(fx.textMessage('Quero cancelar o contrato', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
  const conv = await conversationOf(admin, from);
  const [message] = await messagesOf(admin, conv.id);
  return { admin, conv: conv as { id: string }, message: message as { id: string } };
}

const place = (s: Session, id: string, body: unknown) => api('POST', `/api/v1/conversations/${id}/legal-hold`, { token: s.accessToken, body });
const lift = (s: Session, id: string, body: unknown) => api('POST', `/api/v1/conversations/${id}/legal-hold/lift`, { token: s.accessToken, body });
const mark = (s: Session, convId: string, messageId: string, important: unknown) =>
  api('PUT', `/api/v1/conversations/${convId}/messages/${messageId}/important`, { token: s.accessToken, body: { important } });
const auditOf = (orgId: string, action: string) =>
  db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, orgId), eq(auditLogs.action, action)));

describe('legal hold', () => {
  it('an admin places it with a reason and lifts it with one; the history and the audit log keep both', async () => {
    const { admin, conv } = await setup('Retenção legal');
    expect((await api('GET', `/api/v1/conversations/${conv.id}/legal-hold`, { token: admin.accessToken })).body).toEqual({ active: null, history: [] });

    const placed = await place(admin, conv.id, { reason: 'Processo trabalhista 123/2026' });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.legalHold).toMatchObject({ conversationId: conv.id, reason: 'Processo trabalhista 123/2026', placedBy: admin.userId, liftedAt: null });
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(row!.legalHold).toBe(true);
    const again = await place(admin, conv.id, { reason: 'De novo' });
    expect([again.status, again.body.error.code]).toEqual([409, 'legal_hold_exists']);
    const state = (await api('GET', `/api/v1/conversations/${conv.id}/legal-hold`, { token: admin.accessToken })).body;
    expect(state.active.id).toBe(placed.body.legalHold.id);

    // Lifting needs a reason too.
    expect((await lift(admin, conv.id, {})).status).toBe(400);
    const lifted = await lift(admin, conv.id, { reason: 'Processo arquivado' });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    expect(lifted.body.legalHold).toMatchObject({ id: placed.body.legalHold.id, liftedBy: admin.userId, liftReason: 'Processo arquivado' });
    expect((await db.select().from(conversations).where(eq(conversations.id, conv.id)))[0]!.legalHold).toBe(false);
    const noHold = await lift(admin, conv.id, { reason: 'Outra vez' });
    expect([noHold.status, noHold.body.error.code]).toEqual([409, 'no_legal_hold']);

    const history = (await api('GET', `/api/v1/conversations/${conv.id}/legal-hold`, { token: admin.accessToken })).body;
    expect(history.active).toBeNull();
    expect(history.history).toHaveLength(1);
    const placedAudit = await auditOf(admin.orgId, 'conversation.legal_hold_placed');
    expect(placedAudit).toHaveLength(1);
    expect(placedAudit[0]).toMatchObject({ actorUserId: admin.userId, targetType: 'conversation', targetId: conv.id, metadata: { reason: 'Processo trabalhista 123/2026' } });
    const liftedAudit = await auditOf(admin.orgId, 'conversation.legal_hold_lifted');
    expect(liftedAudit).toHaveLength(1);
    expect(liftedAudit[0]).toMatchObject({ actorUserId: admin.userId, targetId: conv.id, metadata: { reason: 'Processo arquivado' } });
  });

  it('needs a reason, is for admins only, and another tenant’s id is a 404 written to the audit log', async () => {
    const { admin, conv } = await setup('Retenção legal: regras');
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 42 }]) {
      const res = await place(admin, conv.id, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    }
    for (const role of ['manager', 'agent'] as const) {
      const member = await addMember(admin.orgId, role);
      expect((await place(member, conv.id, { reason: 'Pedido do jurídico' })).status).toBe(403);
      expect((await lift(member, conv.id, { reason: 'Pedido do jurídico' })).status).toBe(403);
      // Everyone who sees the conversation sees whether it is held.
      expect((await api('GET', `/api/v1/conversations/${conv.id}/legal-hold`, { token: member.accessToken })).status).toBe(200);
    }
    const intruder = await signupOrg('Outra empresa');
    expect((await place(intruder, conv.id, { reason: 'Curiosidade' })).status).toBe(404);
    expect((await lift(intruder, conv.id, { reason: 'Curiosidade' })).status).toBe(404);
    const attempts = await auditOf(intruder.orgId, 'security.cross_tenant_attempt');
    expect(attempts.map((a) => a.targetId)).toEqual([conv.id, conv.id]);
    expect(await db.select().from(legalHolds).where(eq(legalHolds.conversationId, conv.id))).toEqual([]);
    expect(await auditOf(admin.orgId, 'conversation.legal_hold_placed')).toEqual([]);
  });
});

describe('legal hold on a contact', () => {
  it('holds every conversation of the contact, blocks their erasure, and lifts them all; admins only', async () => {
    const { admin, conv } = await setup('Retenção legal: contato');
    const contactId = (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.contact.id as string;
    const manager = await addMember(admin.orgId, 'manager');
    expect((await api('POST', `/api/v1/contacts/${contactId}/legal-hold`, { token: manager.accessToken, body: { reason: 'Pedido do jurídico' } })).status).toBe(403);
    expect((await api('POST', `/api/v1/contacts/${contactId}/legal-hold`, { token: admin.accessToken, body: {} })).status).toBe(400);
    const placed = await api('POST', `/api/v1/contacts/${contactId}/legal-hold`, { token: admin.accessToken, body: { reason: 'Inquérito 77/2026' } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.legalHolds.map((h: { conversationId: string }) => h.conversationId)).toEqual([conv.id]);
    expect((await api('GET', `/api/v1/conversations/${conv.id}/legal-hold`, { token: admin.accessToken })).body.active.reason).toBe('Inquérito 77/2026');
    const erase = await api('DELETE', `/api/v1/contacts/${contactId}`, { token: admin.accessToken });
    expect([erase.status, erase.body.error.code]).toEqual([409, 'legal_hold']);
    const audit = await auditOf(admin.orgId, 'conversation.legal_hold_placed');
    expect(audit[0]).toMatchObject({ targetId: conv.id, metadata: { contactId, reason: 'Inquérito 77/2026' } });

    const intruder = await signupOrg('Outra empresa: contato');
    expect((await api('POST', `/api/v1/contacts/${contactId}/legal-hold/lift`, { token: intruder.accessToken, body: { reason: 'Curiosidade' } })).status).toBe(404);
    expect((await auditOf(intruder.orgId, 'security.cross_tenant_attempt')).map((a) => a.targetId)).toEqual([contactId]);

    const lifted = await api('POST', `/api/v1/contacts/${contactId}/legal-hold/lift`, { token: admin.accessToken, body: { reason: 'Inquérito encerrado' } });
    expect(lifted.body.legalHolds).toEqual([expect.objectContaining({ conversationId: conv.id, liftReason: 'Inquérito encerrado' })]);
    expect((await db.select().from(conversations).where(eq(conversations.id, conv.id)))[0]!.legalHold).toBe(false);
  });
});

describe('important messages', () => {
  it('whoever sees the conversation marks and unmarks a message; who and when are kept and audited', async () => {
    const { admin, conv, message } = await setup('Mensagens importantes');
    const agent = await addMember(admin.orgId, 'agent');
    const marked = await mark(agent, conv.id, message.id, true);
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.message).toMatchObject({ id: message.id, importantBy: agent.userId, importantAt: expect.any(String) });
    // Marking twice changes nothing and is not audited twice.
    expect((await mark(agent, conv.id, message.id, true)).body.message.importantAt).toBe(marked.body.message.importantAt);
    expect((await messagesOf(admin, conv.id))[0].importantBy).toBe(agent.userId);
    const unmarked = await mark(admin, conv.id, message.id, false);
    expect(unmarked.body.message).toMatchObject({ importantAt: null, importantBy: null });
    expect((await auditOf(admin.orgId, 'message.marked_important')).map((a) => [a.actorUserId, a.targetId])).toEqual([[agent.userId, message.id]]);
    expect((await auditOf(admin.orgId, 'message.unmarked_important')).map((a) => [a.actorUserId, a.targetId])).toEqual([[admin.userId, message.id]]);
    expect((await mark(admin, conv.id, message.id, 'sim')).status).toBe(400);
  });

  it('an agent may not mark in a colleague’s conversation; another tenant’s message or conversation is a 404', async () => {
    const { admin, conv, message } = await setup('Importantes: regras');
    const [agent, colleague] = [await addMember(admin.orgId, 'agent'), await addMember(admin.orgId, 'agent')];
    await db.update(conversations).set({ assigneeId: colleague.userId }).where(eq(conversations.id, conv.id));
    expect((await mark(agent, conv.id, message.id, true)).status).toBe(403);
    expect((await mark(colleague, conv.id, message.id, true)).status).toBe(200);

    const other = await setup('Importantes: outra empresa');
    // Their message through our conversation, and their conversation outright.
    expect((await mark(admin, conv.id, other.message.id, true)).status).toBe(404);
    expect((await mark(admin, other.conv.id, other.message.id, true)).status).toBe(404);
    const attempts = await auditOf(admin.orgId, 'security.cross_tenant_attempt');
    expect(attempts.map((a) => a.targetId).sort()).toEqual([other.message.id, other.conv.id].sort());
    expect((await messagesOf(other.admin, other.conv.id))[0].importantAt).toBeNull();
  });
});
