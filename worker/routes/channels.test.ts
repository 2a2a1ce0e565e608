import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb } from '../../test/harness';
import { connectChannel, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { auditLogs, channels, unroutableEvents } from '../db/schema';

const { db } = testDb();

describe('WhatsApp channels', () => {
  it('stores the access token encrypted and never returns it', async () => {
    const admin = await signupOrg('Canal');
    const ch = await connectChannel(admin);
    const [row] = await db.select().from(channels).where(eq(channels.id, ch.id));
    expect(row!.accessTokenEnc).toMatch(/^v2\.[0-9a-f]{8}\./);
    expect(row!.accessTokenEnc).not.toContain(ch.accessToken);
    const list = await api('GET', '/api/v1/channels', { token: admin.accessToken });
    expect(list.body.data).toEqual([expect.objectContaining({ id: ch.id, phoneNumberId: ch.phoneNumberId, status: 'active' })]);
    expect(JSON.stringify(list.body)).not.toContain(ch.accessToken);
  });

  it('gives one number to one organisation only (409)', async () => {
    const a = await signupOrg('A');
    const ch = await connectChannel(a);
    const b = await signupOrg('B');
    const res = await api('POST', '/api/v1/channels', {
      token: b.accessToken,
      body: { provider: 'meta_cloud', phoneNumberId: ch.phoneNumberId, wabaId: ch.wabaId, displayPhoneNumber: ch.displayPhoneNumber, accessToken: 'EAAG-another-token' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('channel_taken');
  });

  it('stops routing webhooks to a disabled channel (kept as unroutable, not lost)', async () => {
    const admin = await signupOrg('Desligado');
    const ch = await connectChannel(admin);
    expect((await api('PATCH', `/api/v1/channels/${ch.id}`, { token: admin.accessToken, body: { status: 'disabled' } })).status).toBe(200);
    await postWebhook(fx.textMessage('Alô?', { phoneNumberId: ch.phoneNumberId, timestamp: nowSeconds() }));
    await eventually(async () => (await db.select().from(unroutableEvents).where(eq(unroutableEvents.phoneNumberId, ch.phoneNumberId))).length === 1);
  });

  it('is managed by tenant admins only, with validated input', async () => {
    const admin = await signupOrg('Permissões');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const body = { provider: 'meta_cloud', phoneNumberId: '123456789012345', wabaId: '223456789012345', displayPhoneNumber: '+55 11 4000-0000', accessToken: 'EAAG-0123456789' };
    expect((await api('POST', '/api/v1/channels', { token: manager.accessToken, body })).status).toBe(403);
    expect((await api('POST', '/api/v1/channels', { token: agent.accessToken, body })).status).toBe(403);
    expect((await api('GET', '/api/v1/channels', { token: manager.accessToken })).status).toBe(200);
    // Agents see the numbers (to start conversations), never a token.
    const seen = await api('GET', '/api/v1/channels', { token: agent.accessToken });
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toMatch(/accessToken|access_token/);
    for (const bad of [{ ...body, provider: 'twilio' }, { ...body, phoneNumberId: '12ab' }, { ...body, accessToken: '' }, { phoneNumberId: '1' }]) {
      const res = await api('POST', '/api/v1/channels', { token: admin.accessToken, body: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('answers 404 with an audit entry for another organisation’s channel', async () => {
    const owner = await signupOrg('Dona');
    const ch = await connectChannel(owner);
    const intruder = await signupOrg('Intrusa');
    expect((await api('PATCH', `/api/v1/channels/${ch.id}`, { token: intruder.accessToken, body: { status: 'disabled' } })).status).toBe(404);
    expect((await api('POST', `/api/v1/channels/${ch.id}/templates/sync`, { token: intruder.accessToken })).status).toBe(404);
    const [row] = await db.select().from(channels).where(eq(channels.id, ch.id));
    expect(row!.status).toBe('active');
    const logged = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, intruder.orgId), eq(auditLogs.action, 'security.cross_tenant_attempt')));
    expect(logged.map((l) => l.targetId)).toEqual([ch.id, ch.id]);
  });
});
