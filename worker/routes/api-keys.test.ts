// API keys: created by admins and shown once, stored hashed, used as Bearer cv_live_…; each scope allows what it
// names and nothing else (403), revoked/expired/malformed/unknown keys are 401, other tenants' ids 404 + audit,
// per-key rate limit, last use recorded.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../auth/api-key-format';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';

const { db } = testDb();

async function createKey(s: Session, scopes: string[], extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/v1/api-keys', { token: s.accessToken, body: { name: `chave ${scopes.join('+')}`, scopes, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { key: res.body.key as string, id: res.body.apiKey.id as string, body: res.body };
}
const withKey = (key: string, method: string, path: string, body?: unknown) => api(method, path, { token: key, body });
const contactBody = () => ({ name: 'Cliente API', phone: `+55 11 9${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });

describe('creating and listing keys', () => {
  it('shows the key once, keeps only its hash, lists name, prefix, scopes, creator, last use and expiry', async () => {
    const admin = await signupOrg();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const { key, id, body } = await createKey(admin, ['read', 'write'], { expiresAt });
    expect(key).toMatch(/^cv_live_[A-Za-z0-9_-]{43}$/);
    expect(body.apiKey).toMatchObject({ name: 'chave read+write', scopes: ['read', 'write'], prefix: key.slice(0, 14), lastUsedAt: null });
    expect(body.apiKey.key).toBeUndefined();

    // At rest: the SHA-256 of the key, and no column holding the key itself.
    const rows = await db.execute(sql`select * from api_keys where id = ${id}`);
    const row = rows.rows[0] as Record<string, unknown>;
    expect(row.key_hash).toBe(await hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(JSON.stringify(row)).not.toContain(key.slice(14));

    const list = await api('GET', '/api/v1/api-keys', { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id, prefix: key.slice(0, 14), scopes: ['read', 'write'], createdBy: { id: admin.userId }, lastUsedAt: null });
    expect(new Date(list.body.data[0].expiresAt).toISOString()).toBe(expiresAt);
    expect(JSON.stringify(list.body)).not.toContain(key);

    // Use is recorded (at most once a minute).
    expect((await withKey(key, 'GET', '/api/v1/contacts')).status).toBe(200);
    const after = await api('GET', '/api/v1/api-keys', { token: admin.accessToken });
    expect(after.body.data[0].lastUsedAt).not.toBeNull();
  });

  it('refuses bad input with the error shape', async () => {
    const admin = await signupOrg();
    for (const body of [{ name: 'x', scopes: [] }, { name: 'x', scopes: ['root'] }, { name: '', scopes: ['read'] }, { name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }]) {
      const res = await api('POST', '/api/v1/api-keys', { token: admin.accessToken, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('only admins manage keys (agents 403)', async () => {
    const admin = await signupOrg();
    const agent = await addMember(admin.orgId, 'manager');
    expect((await api('POST', '/api/v1/api-keys', { token: agent.accessToken, body: { name: 'x', scopes: ['read'] } })).status).toBe(403);
    expect((await api('GET', '/api/v1/api-keys', { token: agent.accessToken })).status).toBe(403);
  });
});

describe('scopes', () => {
  it('read reads, and nothing else', async () => {
    const admin = await signupOrg();
    const { key } = await createKey(admin, ['read']);
    expect((await withKey(key, 'GET', '/api/v1/contacts')).status).toBe(200);
    expect((await withKey(key, 'GET', '/api/v1/conversations')).status).toBe(200);
    expect((await withKey(key, 'GET', '/api/v1/deals')).status).toBe(200);
    const denied = await withKey(key, 'POST', '/api/v1/contacts', contactBody());
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_scope');
    expect((await withKey(key, 'POST', '/api/v1/conversations', { channelId: crypto.randomUUID(), phone: '+5511999990000', template: { name: 'x', language: 'pt_BR' } })).status).toBe(403);
    expect((await withKey(key, 'GET', '/api/v1/api-keys')).status).toBe(403);
    expect((await withKey(key, 'GET', '/api/v1/audit-logs')).status).toBe(403);
    // The denial is audited against the key.
    const audit = await db.execute(sql`select actor_type, actor_api_key_id, metadata from audit_logs where organization_id = ${admin.orgId} and action = 'api_key.denied'`);
    expect(audit.rows.length).toBeGreaterThanOrEqual(3);
    expect((audit.rows[0] as any).actor_type).toBe('api_key');
  });

  it('write creates and updates, cannot read, send or administer; its writes are audited with the key as actor', async () => {
    const admin = await signupOrg();
    const { key, id } = await createKey(admin, ['write']);
    const created = await withKey(key, 'POST', '/api/v1/contacts', contactBody());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await withKey(key, 'PATCH', `/api/v1/contacts/${created.body.contact.id}`, { name: 'Renomeado' })).status).toBe(200);
    expect((await withKey(key, 'GET', '/api/v1/contacts')).status).toBe(403);
    expect((await withKey(key, 'POST', '/api/v1/conversations', { channelId: crypto.randomUUID(), phone: '+5511999990000', template: { name: 'x', language: 'pt_BR' } })).status).toBe(403);
    expect((await withKey(key, 'POST', '/api/v1/api-keys', { name: 'escalada', scopes: ['admin'] })).status).toBe(403);
    const audit = await db.execute(sql`select actor_type, actor_api_key_id, actor_user_id from audit_logs where organization_id = ${admin.orgId} and action = 'contact.created'`);
    expect(audit.rows[0]).toMatchObject({ actor_type: 'api_key', actor_api_key_id: id, actor_user_id: admin.userId });
  });

  it('send starts conversations (past the scope check), nothing else', async () => {
    const admin = await signupOrg();
    const { key } = await createKey(admin, ['send']);
    // Allowed by scope, then the unknown channel is a 404.
    expect((await withKey(key, 'POST', '/api/v1/conversations', { channelId: crypto.randomUUID(), phone: '+5511999990000', template: { name: 'x', language: 'pt_BR' } })).status).toBe(404);
    expect((await withKey(key, 'GET', '/api/v1/contacts')).status).toBe(403);
    expect((await withKey(key, 'POST', '/api/v1/contacts', contactBody())).status).toBe(403);
  });

  it('admin manages keys and webhooks; no key reaches personal routes', async () => {
    const admin = await signupOrg();
    const { key } = await createKey(admin, ['admin']);
    expect((await withKey(key, 'GET', '/api/v1/api-keys')).status).toBe(200);
    const minted = await withKey(key, 'POST', '/api/v1/api-keys', { name: 'filha', scopes: ['read'] });
    expect(minted.status).toBe(201);
    expect((await withKey(key, 'GET', '/api/v1/webhook-endpoints')).status).toBe(200);
    expect((await withKey(key, 'GET', '/api/v1/contacts')).status).toBe(403);
    const { key: all } = await createKey(admin, ['read', 'write', 'send', 'admin']);
    for (const path of ['/api/v1/notifications', '/api/v1/realtime/ticket']) {
      const res = await withKey(all, path.endsWith('ticket') ? 'POST' : 'GET', path, path.endsWith('ticket') ? {} : undefined);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('api_key_not_allowed');
    }
  });
});

describe('keys that do not work', () => {
  it('revoked, expired, malformed and unknown keys get 401 with the error shape', async () => {
    const admin = await signupOrg();
    const { key, id } = await createKey(admin, ['read']);
    expect((await api('DELETE', `/api/v1/api-keys/${id}`, { token: admin.accessToken })).status).toBe(204);
    const revoked = await withKey(key, 'GET', '/api/v1/contacts');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('api_key_revoked');
    const listed = await api('GET', '/api/v1/api-keys', { token: admin.accessToken });
    expect(listed.body.data[0].revokedAt).not.toBeNull();

    const { key: old, id: oldId } = await createKey(admin, ['read']);
    await db.execute(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${oldId}`);
    const expired = await withKey(old, 'GET', '/api/v1/contacts');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('api_key_expired');

    for (const bad of ['cv_live_short', `cv_live_${'!'.repeat(43)}`, `cv_live_${'A'.repeat(43)}`]) {
      const res = await withKey(bad, 'GET', '/api/v1/contacts');
      expect(res.status, bad).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    }
    const audit = await db.execute(sql`select metadata->>'reason' as reason from audit_logs where organization_id = ${admin.orgId} and action = 'api_key.denied'`);
    expect(audit.rows.map((r: any) => r.reason).sort()).toEqual(['expired', 'revoked']);
  });

  it("another tenant's ids are 404 and audited, with a session or a key", async () => {
    const a = await signupOrg();
    const b = await signupOrg();
    const { id: bKey } = await createKey(b, ['read']);
    const res = await api('DELETE', `/api/v1/api-keys/${bKey}`, { token: a.accessToken });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const contact = await api('POST', '/api/v1/contacts', { token: b.accessToken, body: contactBody() });
    const { key: aKey } = await createKey(a, ['read']);
    expect((await withKey(aKey, 'GET', `/api/v1/contacts/${contact.body.contact.id}`)).status).toBe(404);
    const audit = await db.execute(sql`select target_id, actor_type from audit_logs where organization_id = ${a.orgId} and action = 'security.cross_tenant_attempt' order by created_at`);
    expect(audit.rows.map((r: any) => r.target_id)).toEqual([bKey, contact.body.contact.id]);
    expect((audit.rows[1] as any).actor_type).toBe('api_key');
    // Still alive for its owner.
    expect((await api('GET', '/api/v1/api-keys', { token: b.accessToken })).body.data[0].revokedAt).toBeNull();
  });

  it('is rate limited per key (429 with Retry-After), other keys unaffected', async () => {
    const admin = await signupOrg();
    const { key } = await createKey(admin, ['read']);
    const { key: other } = await createKey(admin, ['read']);
    // The limiter counts per minute window: a run that straddles a window boundary needs more than 300 to see a 429.
    let limited: Awaited<ReturnType<typeof withKey>> | undefined;
    let ok = 0;
    for (let round = 0; round < 30 && !limited; round++) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => withKey(key, 'GET', '/api/v1/labels')));
      ok += batch.filter((r) => r.status === 200).length;
      limited = batch.find((r) => r.status === 429);
      expect(batch.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    }
    expect(limited, 'no 429 after 750 requests').toBeDefined();
    expect(ok).toBeGreaterThanOrEqual(300);
    expect(limited!.body.error.code).toBe('rate_limited');
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect((await withKey(other, 'GET', '/api/v1/labels')).status).toBe(200);
  }, 180_000);
});
