// Members and roles: listing, role changes (live, audited), the last-admin rule, removal that ends access at once.
import { describe, expect, it } from 'vitest';
import { addMember, API_CLIENT, api, PASSWORD, signupOrg, type Session } from '../../test/harness';

const patchRole = (admin: Session, userId: string, role: string) =>
  api('PATCH', `/api/v1/members/${userId}`, { token: admin.accessToken, body: { role } });
const remove = (admin: Session, userId: string) => api('DELETE', `/api/v1/members/${userId}`, { token: admin.accessToken });

async function audit(admin: Session, action: string) {
  const res = await api('GET', `/api/v1/audit-logs?action=${action}`, { token: admin.accessToken });
  expect(res.status).toBe(200);
  return res.body.data as { actorUserId: string; targetType: string; targetId: string; metadata: Record<string, unknown> }[];
}

/** A platform super admin who has entered the organisation (acts as tenant admin without being a member). */
async function superAdminIn(orgId: string): Promise<Session> {
  const home = await signupOrg('Plataforma');
  const root = await addMember(home.orgId, 'agent', { superAdmin: true });
  const entered = await api('POST', '/api/v1/auth/switch-organization', { token: root.accessToken, body: { organizationId: orgId }, headers: API_CLIENT });
  expect(entered.status).toBe(200);
  return { ...root, accessToken: entered.body.accessToken, refreshToken: entered.body.refreshToken, orgId };
}

describe('members', () => {
  it('lists the members of the organisation with their roles, oldest first', async () => {
    const admin = await signupOrg('Equipe');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    await addMember((await signupOrg('Outra Equipe')).orgId, 'agent');

    for (const viewer of [admin, manager]) {
      const res = await api('GET', '/api/v1/members', { token: viewer.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data.map((m: { userId: string }) => m.userId)).toEqual([admin.userId, manager.userId, agent.userId]);
      expect(res.body.data[0]).toEqual({
        userId: admin.userId,
        email: admin.email,
        name: 'Admin Teste',
        role: 'tenant_admin',
        joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        lastLoginAt: expect.any(String),
      });
      expect(res.body.data.map((m: { role: string }) => m.role)).toEqual(['tenant_admin', 'manager', 'agent']);
    }
    expect((await api('GET', '/api/v1/members', { token: agent.accessToken })).status).toBe(403);
  });

  it('changes a role, audits from/to, and the member has the new role on the next request', async () => {
    const admin = await signupOrg('Promoção');
    const agent = await addMember(admin.orgId, 'agent');
    expect((await api('GET', '/api/v1/members', { token: agent.accessToken })).status).toBe(403);

    const res = await patchRole(admin, agent.userId, 'manager');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: agent.userId, role: 'manager' });

    // Same access token, new role.
    expect((await api('GET', '/api/v1/members', { token: agent.accessToken })).status).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', { token: agent.accessToken })).body.role).toBe('manager');

    const entries = await audit(admin, 'member.role_changed');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorUserId: admin.userId,
      targetType: 'user',
      targetId: agent.userId,
      metadata: { from: 'agent', to: 'manager' },
    });

    // Setting the role it already has changes nothing and writes no entry.
    expect((await patchRole(admin, agent.userId, 'manager')).status).toBe(200);
    expect(await audit(admin, 'member.role_changed')).toHaveLength(1);
  });

  it('the last tenant admin cannot demote themselves', async () => {
    const admin = await signupOrg('Único Admin');
    for (const role of ['manager', 'agent']) {
      const res = await patchRole(admin, admin.userId, role);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('last_admin');
    }
    const me = await api('GET', '/api/v1/auth/me', { token: admin.accessToken });
    expect(me.body.role).toBe('tenant_admin');
  });

  it('with two admins one may be demoted, then the remaining one may not', async () => {
    const admin = await signupOrg('Dois Admins');
    const other = await addMember(admin.orgId, 'tenant_admin');
    expect((await patchRole(admin, other.userId, 'manager')).status).toBe(200);
    const res = await patchRole(admin, admin.userId, 'agent');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('last_admin');
    // The demoted one (now a manager) may no longer change roles at all.
    expect((await patchRole(other, admin.userId, 'agent')).status).toBe(403);
  });

  it('two admins demoting each other at the same moment still leave one admin', async () => {
    const a = await signupOrg('Corrida Admins');
    const b = await addMember(a.orgId, 'tenant_admin');
    const [ab, ba] = await Promise.all([patchRole(a, b.userId, 'agent'), patchRole(b, a.userId, 'agent')]);
    const statuses = [ab.status, ba.status].sort();
    // One wins; the other is refused (409 last_admin, or 403 if it was checked after its author lost the role).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const members = await api('GET', '/api/v1/members', { token: ab.status === 200 ? a.accessToken : b.accessToken });
    expect(members.body.data.filter((m: { role: string }) => m.role === 'tenant_admin')).toHaveLength(1);
  });

  it('the last tenant admin cannot be demoted or removed, even by a super admin', async () => {
    const admin = await signupOrg('Cliente Protegido');
    const root = await superAdminIn(admin.orgId);

    const demote = await patchRole(root, admin.userId, 'agent');
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
    const removal = await remove(root, admin.userId);
    expect(removal.status).toBe(409);
    expect(removal.body.error.code).toBe('last_admin');

    // Still the admin, still logged in.
    const me = await api('GET', '/api/v1/auth/me', { token: admin.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('tenant_admin');
  });

  it('an admin cannot remove themselves', async () => {
    const admin = await signupOrg('Auto Remoção');
    await addMember(admin.orgId, 'tenant_admin');
    const res = await remove(admin, admin.userId);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('cannot_remove_self');
    expect((await api('GET', '/api/v1/auth/me', { token: admin.accessToken })).status).toBe(200);
  });

  it('a removed member loses access at once: access token, refresh token and log-in', async () => {
    const admin = await signupOrg('Remoção');
    const agent = await addMember(admin.orgId, 'agent');
    expect((await api('GET', '/api/v1/organization', { token: agent.accessToken })).status).toBe(200);

    expect((await remove(admin, agent.userId)).status).toBe(204);

    const res = await api('GET', '/api/v1/organization', { token: agent.accessToken });
    expect(res.status).toBe(401);
    // Soft, so the checks below still run and report on their own.
    expect.soft(res.body.error.code).toBe('membership_revoked');
    const refreshed = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: agent.refreshToken } });
    expect(refreshed.status).toBe(401);
    const again = await api('POST', '/api/v1/auth/login', { body: { email: agent.email, password: PASSWORD } });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('no_organization');

    const members = await api('GET', '/api/v1/members', { token: admin.accessToken });
    expect(members.body.data.map((m: { userId: string }) => m.userId)).toEqual([admin.userId]);
    const entries = await audit(admin, 'member.removed');
    expect(entries).toEqual([expect.objectContaining({ actorUserId: admin.userId, targetId: agent.userId, metadata: { role: 'agent' } })]);
  });

  it('removal from one organisation leaves the person logged in to their other one', async () => {
    const a = await signupOrg('Org A');
    const b = await signupOrg('Org B');
    const agent = await addMember(a.orgId, 'agent');
    // The same person also belongs to B (as a manager).
    const inv = await api('POST', '/api/v1/invitations', { token: b.accessToken, body: { email: agent.email, role: 'manager' } });
    expect(inv.status).toBe(201);
    const mail = await api('GET', `/dev/outbox.json?to=${encodeURIComponent(agent.email)}`);
    const token = new URL(mail.body.data[0].text.match(/https?:\/\/\S+/)[0]).searchParams.get('token');
    const inB = await api('POST', '/api/v1/invitations/accept', { body: { token, password: PASSWORD } });
    expect(inB.status).toBe(201);

    expect((await remove(a, agent.userId)).status).toBe(204);
    expect((await api('GET', '/api/v1/organization', { token: agent.accessToken })).status).toBe(401);
    const stillB = await api('GET', '/api/v1/members', { token: inB.body.accessToken });
    expect(stillB.status).toBe(200);
  });

  it('a demoted admin loses admin routes at once, without logging in again', async () => {
    const admin = await signupOrg('Rebaixamento');
    const other = await addMember(admin.orgId, 'tenant_admin');
    expect((await api('GET', '/api/v1/audit-logs', { token: other.accessToken })).status).toBe(200);

    expect((await patchRole(admin, other.userId, 'agent')).status).toBe(200);

    for (const [method, path, body] of [
      ['GET', '/api/v1/audit-logs', undefined],
      ['GET', '/api/v1/invitations', undefined],
      ['GET', '/api/v1/members', undefined],
      ['PATCH', `/api/v1/members/${admin.userId}`, { role: 'agent' }],
      ['PATCH', '/api/v1/organization', { name: 'Tomada' }],
    ] as const) {
      const res = await api(method, path, { token: other.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    // Still a member: reading the organisation is fine.
    expect((await api('GET', '/api/v1/organization', { token: other.accessToken })).status).toBe(200);
  });

  it('an unknown member id is a 404', async () => {
    const admin = await signupOrg('Desconhecido');
    const id = crypto.randomUUID();
    for (const res of [await patchRole(admin, id, 'agent'), await remove(admin, id)]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});
