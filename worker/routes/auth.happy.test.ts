import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, API_CLIENT, api, PASSWORD, signupOrg, testDb, uniqueEmail } from '../../test/harness';
import { REFRESH_REUSE_GRACE_MS } from '../auth/sessions';
import { hashToken } from '../auth/tokens';
import { sessions } from '../db/schema';

const { db } = testDb();
async function backdateRotation(token: string, ms: number) {
  await db.update(sessions).set({ rotatedAt: new Date(Date.now() - ms) }).where(eq(sessions.tokenHash, await hashToken(token)));
}

describe('sign-up and log-in', () => {
  it('signs up an organisation with its first tenant admin and a refresh cookie', async () => {
    const email = uniqueEmail('Founder');
    const res = await api('POST', '/api/v1/auth/signup', {
      body: { organizationName: 'Padaria São João', name: 'Joana', email: email.toUpperCase(), password: PASSWORD },
      headers: API_CLIENT,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      user: { email: email.toLowerCase(), name: 'Joana', isSuperAdmin: false },
      organization: { name: 'Padaria São João', role: 'tenant_admin', slug: expect.stringMatching(/^padaria-sao-joao-/) },
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/conversa_refresh=[^;]+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const me = await api('GET', '/api/v1/auth/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'tenant_admin', organization: { id: res.body.organization.id } });
  });

  it('logs in with any letter case of the e-mail', async () => {
    const admin = await signupOrg();
    const res = await api('POST', '/api/v1/auth/login', { body: { email: admin.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.organization.id).toBe(admin.orgId);
    expect(res.body.organizations).toHaveLength(1);
  });
});

describe('refresh token lifecycle', () => {
  it('rotates on every use, via cookie or body', async () => {
    const s = await signupOrg();
    const viaBody = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body.refreshToken).not.toBe(s.refreshToken);
    expect(viaBody.body.accessToken).toEqual(expect.any(String));

    const viaCookie = await api('POST', '/api/v1/auth/refresh', {
      body: {},
      headers: { cookie: `conversa_refresh=${viaBody.body.refreshToken}` },
    });
    expect(viaCookie.status).toBe(200);
    // A cookie client is a browser: the rotated token comes back in the cookie only.
    const rotated = /conversa_refresh=([^;]+)/.exec(viaCookie.headers.get('set-cookie') ?? '')?.[1];
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(viaBody.body.refreshToken);
    expect(viaCookie.body.refreshToken).toBeUndefined();

    const me = await api('GET', '/api/v1/auth/me', { token: viaCookie.body.accessToken });
    expect(me.status).toBe(200);
  });

  it('gives a just-rotated token a new successor once its answer was lost (a tab reloaded mid-refresh)', async () => {
    const s = await signupOrg();
    const first = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(first.status).toBe(200);
    // The browser never saw `first` and presents the old token again, seconds later: still logged in.
    const retry = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(retry.status).toBe(200);
    expect(retry.body.refreshToken).not.toBe(first.body.refreshToken);
    expect((await api('GET', '/api/v1/auth/me', { token: retry.body.accessToken })).status).toBe(200);
    // The successor that did arrive somewhere is still valid too (same login).
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status).toBe(200);
  });

  it('revokes the whole family when a rotated token is used again', async () => {
    const s = await signupOrg();
    const first = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(first.status).toBe(200);
    // Rotated longer ago than the grace a lost answer gets.
    await backdateRotation(s.refreshToken, REFRESH_REUSE_GRACE_MS + 1_000);

    // The old token comes back: someone copied it.
    const reuse = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');

    // The legitimate, newest token is dead too, and so are access tokens of that login.
    const newest = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(newest.status).toBe(401);
    const me = await api('GET', '/api/v1/auth/me', { token: first.body.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('session_revoked');

    // Logging in again works, and the audit log recorded the reuse.
    const again = await api('POST', '/api/v1/auth/login', { body: { email: s.email, password: PASSWORD } });
    expect(again.status).toBe(200);
    const audit = await api('GET', '/api/v1/audit-logs?action=auth.refresh_reuse_detected', { token: again.body.accessToken });
    expect(audit.status).toBe(200);
    expect(audit.body.data).toHaveLength(1);
  });

  it('ends one login with logout and every login with logout-all', async () => {
    const a = await signupOrg();
    const b = await api('POST', '/api/v1/auth/login', { body: { email: a.email, password: PASSWORD } });

    const out = await api('POST', '/api/v1/auth/logout', { body: { refreshToken: a.refreshToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/conversa_refresh=;/);
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
    expect((await api('GET', '/api/v1/auth/me', { token: a.accessToken })).status).toBe(401);
    // The other login is untouched…
    expect((await api('GET', '/api/v1/auth/me', { token: b.body.accessToken })).status).toBe(200);

    // …until log-out everywhere.
    expect((await api('POST', '/api/v1/auth/logout-all', { token: b.body.accessToken })).status).toBe(204);
    expect((await api('GET', '/api/v1/auth/me', { token: b.body.accessToken })).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: b.body.refreshToken } })).status).toBe(401);
  });

  it('switches organisation for a user who belongs to two', async () => {
    const first = await signupOrg('Primeira');
    const second = await signupOrg('Segunda');
    const agent = await addMember(first.orgId, 'agent');
    // The same person joins the second organisation as a manager.
    const invite = await api('POST', '/api/v1/invitations', { token: second.accessToken, body: { email: agent.email, role: 'manager' } });
    expect(invite.status).toBe(201);
    const outbox = await api('GET', `/dev/outbox.json?to=${encodeURIComponent(agent.email)}`);
    const token = new URL(outbox.body.data[0].text.match(/https?:\/\/\S+/)[0]).searchParams.get('token');
    const accepted = await api('POST', '/api/v1/invitations/accept', { body: { token, password: PASSWORD } });
    expect(accepted.status).toBe(201);

    const switched = await api('POST', '/api/v1/auth/switch-organization', {
      token: agent.accessToken,
      body: { organizationId: second.orgId },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.organization).toMatchObject({ id: second.orgId, role: 'manager' });
    expect(switched.body.organizations.map((o: { id: string }) => o.id).sort()).toEqual([first.orgId, second.orgId].sort());
    const me = await api('GET', '/api/v1/auth/me', { token: switched.body.accessToken });
    expect(me.body).toMatchObject({ role: 'manager', organization: { id: second.orgId } });
    // The previous login (in the first organisation) has ended.
    expect((await api('GET', '/api/v1/auth/me', { token: agent.accessToken })).status).toBe(401);
  });
});
