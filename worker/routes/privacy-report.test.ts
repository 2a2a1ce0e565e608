// The records of processing: generated from the inventory, the organisation's settings and the deployment's
// configuration, so changing a setting or connecting a provider changes the report; admins only.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { seedLegacyContent } from '../../test/legacy-content';
import { contentCrypto } from '../domain/content-crypto';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';

const report = (s: Session) => api('GET', '/api/v1/organization/privacy-report', { token: s.accessToken });

describe('privacy report (LGPD art. 37)', () => {
  it('follows the retention settings, the providers in use, the keys and the data held', async () => {
    const admin = await signupOrg('Relatório de Privacidade');
    const before = await report(admin);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const r0 = before.body;
    expect(r0.organization).toMatchObject({ id: admin.orgId, name: 'Relatório de Privacidade' });
    expect(r0.retention).toMatchObject({ enabled: true, days: 730, graceDays: 30, legalHolds: 0 });
    const messages = r0.postgres.find((t: { table: string }) => t.table === 'messages');
    expect(messages).toMatchObject({ subjects: ['customers', 'team'], keptFor: { rule: 'retention', days: 760 } });
    expect(messages.columns).toContain('body');
    expect(r0.postgres.find((t: { table: string }) => t.table === 'sessions').keptFor).toEqual({ rule: 'expiry', days: 7 });
    expect(r0.otherStores.map((s: { store: string; what: string }) => `${s.store}:${s.what}`)).toEqual(expect.arrayContaining(['r2:media', 'r2:raw_webhooks', 'durable_objects:realtime_history']));
    expect(r0.otherStores.find((s: { what: string }) => s.what === 'raw_webhooks').keptFor).toEqual({ rule: 'expiry', days: 30 });
    expect(r0.subProcessors.map((p: { name: string }) => p.name)).toEqual(['Cloudflare', 'PostgreSQL (self-hosted)', ...(env.MAIL_PROVIDER === 'http' ? ['E-mail provider'] : [])]);
    const roles = Object.fromEntries(r0.access.roles.map((r: { role: string; members: number; permissions: string[] }) => [r.role, r]));
    expect(roles.tenant_admin.members).toBe(1);
    expect(roles.tenant_admin.permissions).toContain('contacts.erase');
    expect(roles.agent.permissions).not.toContain('contacts.erase');
    expect(r0.counts).toEqual({ contacts: 0, conversations: 0, messages: 0 });

    // Settings, a channel, a customer's message, a key and a webhook endpoint later:
    expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { retentionDays: 90 } })).status).toBe(200);
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Olá, quero saber do meu pedido', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    await conversationOf(admin, from);
    expect((await api('POST', '/api/v1/api-keys', { token: admin.accessToken, body: { name: 'ERP', scopes: ['read'] } })).status).toBe(201);
    const revoked = await api('POST', '/api/v1/api-keys', { token: admin.accessToken, body: { name: 'Antiga', scopes: ['admin'] } });
    expect((await api('DELETE', `/api/v1/api-keys/${revoked.body.apiKey.id}`, { token: admin.accessToken })).status).toBe(204);
    await addMember(admin.orgId, 'agent');

    const r1 = (await report(admin)).body;
    expect(r1.retention.days).toBe(90);
    expect(r1.postgres.find((t: { table: string }) => t.table === 'messages').keptFor).toEqual({ rule: 'retention', days: 120 });
    const meta = r1.subProcessors.find((p: { name: string }) => p.name.startsWith('Meta'));
    expect(meta?.endpoint).toBe(new URL(env.META_GRAPH_BASE_URL).host);
    expect(r1.access.apiKeys).toEqual([{ name: 'ERP', scopes: ['read'], expiresAt: null }]);
    expect(r1.access.roles.find((r: { role: string }) => r.role === 'agent').members).toBe(1);
    expect(r1.counts).toEqual({ contacts: 1, conversations: 1, messages: 1 });

    // Retention off: nothing bounds the conversations any more, and the report says so.
    expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { retentionEnabled: false } })).status).toBe(200);
    expect((await report(admin)).body.postgres.find((t: { table: string }) => t.table === 'messages').keptFor).toEqual({ rule: 'retention', days: null });
  });

  it('states content encryption: on, the organisation’s keys, what it covers and not, and the search trade-off', async () => {
    const admin = await signupOrg('Relatório: criptografia');
    const r0 = (await report(admin)).body.encryption;
    expect(r0).toMatchObject({ enabled: true, activeKeyId: null, keys: [], plaintextRows: { messageBodies: 0, notes: 0, previews: 0 } });
    expect(r0.encrypted).toEqual(['messages.body', 'conversations.last_message_preview', 'contact_notes.body', 'r2:media']);
    expect(r0.searchDocument.column).toBe('messages.search_vector');
    expect(r0.searchDocument.description).toMatch(/lexemes.*reveal.*erasure.*retention.*shredding/s);
    expect(r0.notEncrypted.join('\n')).toMatch(/raw_webhooks[\s\S]*dead_letters[\s\S]*webhook_deliveries[\s\S]*realtime[\s\S]*queues[\s\S]*data_exports[\s\S]*scheduled_messages[\s\S]*csat/);

    await seedLegacyContent(admin.orgId, 1);
    const key = await contentCrypto(testDb().db, env.ENCRYPTION_MASTER_KEYS, admin.orgId).activeKeyId();
    const r1 = (await report(admin)).body.encryption;
    expect(r1.activeKeyId).toBe(key);
    expect(r1.keys).toEqual([{ keyId: key, createdAt: expect.any(String), retiredAt: null, destroyedAt: null }]);
    expect(r1.plaintextRows).toEqual({ messageBodies: 2, notes: 2, previews: 2 });
  });

  it('is for admins only', async () => {
    const admin = await signupOrg();
    for (const role of ['manager', 'agent'] as const) {
      const member = await addMember(admin.orgId, role);
      const res = await report(member);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBeTruthy();
    }
    expect((await api('GET', '/api/v1/organization/privacy-report')).status).toBe(401);
  });
});
