import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, PASSWORD, signupOrg, testDb, uniqueEmail, uniqueIp, type Session } from '../../test/harness';
import { auditLogs, invitations, type Role } from '../db/schema';

const { db } = testDb();

describe('who may do what (one row per route × role)', () => {
  let org: string;
  const as: Partial<Record<Role, Session>> = {};
  beforeAll(async () => {
    const admin = await signupOrg('Matriz');
    org = admin.orgId;
    as.tenant_admin = admin;
    as.manager = await addMember(org, 'manager');
    as.agent = await addMember(org, 'agent');
  });

  type Case = { name: string; allowed: Role[]; call: (s: Session) => Promise<{ status: number }>; ok: number };
  const cases: Case[] = [
    { name: 'GET members', allowed: ['tenant_admin', 'manager'], ok: 200, call: (s) => api('GET', '/api/v1/members', { token: s.accessToken }) },
    {
      name: 'PATCH member role',
      allowed: ['tenant_admin'],
      ok: 200,
      call: async (s) => {
        const target = await addMember(org, 'agent');
        return api('PATCH', `/api/v1/members/${target.userId}`, { token: s.accessToken, body: { role: 'manager' } });
      },
    },
    {
      name: 'DELETE member',
      allowed: ['tenant_admin'],
      ok: 204,
      call: async (s) => {
        const target = await addMember(org, 'agent');
        return api('DELETE', `/api/v1/members/${target.userId}`, { token: s.accessToken });
      },
    },
    {
      name: 'POST invitation',
      allowed: ['tenant_admin'],
      ok: 201,
      call: (s) => api('POST', '/api/v1/invitations', { token: s.accessToken, body: { email: uniqueEmail('inv'), role: 'agent' } }),
    },
    { name: 'GET invitations', allowed: ['tenant_admin'], ok: 200, call: (s) => api('GET', '/api/v1/invitations', { token: s.accessToken }) },
    { name: 'GET audit logs', allowed: ['tenant_admin'], ok: 200, call: (s) => api('GET', '/api/v1/audit-logs', { token: s.accessToken }) },
    {
      name: 'GET organization',
      allowed: ['tenant_admin', 'manager', 'agent'],
      ok: 200,
      call: (s) => api('GET', '/api/v1/organization', { token: s.accessToken }),
    },
    {
      name: 'PATCH organization retention',
      allowed: ['tenant_admin'],
      ok: 200,
      call: (s) => api('PATCH', '/api/v1/organization', { token: s.accessToken, body: { retentionDays: 365 } }),
    },
    { name: 'GET platform organizations', allowed: [], ok: 200, call: (s) => api('GET', '/api/v1/admin/organizations', { token: s.accessToken }) },
  ];

  for (const c of cases) {
    for (const role of ['tenant_admin', 'manager', 'agent'] as Role[]) {
      const allowed = c.allowed.includes(role);
      it(`${c.name} as ${role} → ${allowed ? c.ok : 403}`, async () => {
        const res = await c.call(as[role]!);
        expect(res.status, JSON.stringify(res)).toBe(allowed ? c.ok : 403);
      });
    }
  }

  it('every protected route refuses a missing or bad token with 401 and the JSON shape', async () => {
    for (const path of ['/api/v1/members', '/api/v1/invitations', '/api/v1/audit-logs', '/api/v1/organization', '/api/v1/auth/me']) {
      for (const token of [undefined, 'not-a-jwt']) {
        const res = await api('GET', path, { token });
        expect(res.status, path).toBe(401);
        expect(res.body.error.code).toMatch(/^(unauthorized|invalid_token)$/);
      }
    }
  });
});

describe('tampered and foreign tokens → 401', () => {
  let s: Session;
  beforeAll(async () => {
    s = await signupOrg('Tokens');
  });
  const claims = () => ({ org: s.orgId, role: 'tenant_admin', sid: JSON.parse(atob(s.accessToken.split('.')[1]!)).sid });
  /** An HS256 token shaped like ours; each test changes one thing. */
  const jwt = (payload: Record<string, unknown>, secret: string, exp: number | string = '10m', iat?: number) => {
    const t = new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setSubject(s.userId).setIssuer('conversa').setAudience('conversa-api');
    if (iat) t.setIssuedAt(iat);
    return t.setExpirationTime(exp).sign(new TextEncoder().encode(secret));
  };

  it('control: a token built the same way with our secret is accepted', async () => {
    expect((await api('GET', '/api/v1/auth/me', { token: await jwt(claims(), env.JWT_SECRET) })).status).toBe(200);
  });

  it('a changed payload (signature no longer matches)', async () => {
    const [h, p, sig] = s.accessToken.split('.');
    const payload = JSON.parse(atob(p!));
    payload.role = 'tenant_admin';
    payload.org = crypto.randomUUID();
    const forged = `${h}.${btoa(JSON.stringify(payload)).replace(/=+$/, '')}.${sig}`;
    expect((await api('GET', '/api/v1/auth/me', { token: forged })).status).toBe(401);
  });

  it('alg "none"', async () => {
    const none = new UnsecuredJWT(claims()).setSubject(s.userId).setIssuer('conversa').setAudience('conversa-api').setExpirationTime('10m').encode();
    expect((await api('GET', '/api/v1/auth/me', { token: none })).status).toBe(401);
  });

  it('signed with another secret', async () => {
    const other = await jwt(claims(), 'x'.repeat(48));
    expect((await api('GET', '/api/v1/auth/me', { token: other })).status).toBe(401);
  });

  it('expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await jwt(claims(), env.JWT_SECRET, now - 1800, now - 3600);
    const res = await api('GET', '/api/v1/auth/me', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('valid signature but for an organisation the user does not belong to', async () => {
    const token = await jwt({ ...claims(), org: (await signupOrg('Outra')).orgId }, env.JWT_SECRET);
    const res = await api('GET', '/api/v1/organization', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('membership_revoked');
  });
});

describe('cross-tenant ids → 404 and an audit entry', () => {
  it('for members and invitations of another organisation', async () => {
    const a = await signupOrg('Alfa');
    const b = await signupOrg('Beta');
    const bAgent = await addMember(b.orgId, 'agent');
    const bInvite = await api('POST', '/api/v1/invitations', { token: b.accessToken, body: { email: uniqueEmail('x'), role: 'agent' } });

    const attempts = [
      api('PATCH', `/api/v1/members/${bAgent.userId}`, { token: a.accessToken, body: { role: 'tenant_admin' } }),
      api('DELETE', `/api/v1/members/${bAgent.userId}`, { token: a.accessToken }),
      api('DELETE', `/api/v1/invitations/${bInvite.body.invitation.id}`, { token: a.accessToken }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/not found/) } });
    }
    // Nothing changed in B…
    const members = await api('GET', '/api/v1/members', { token: b.accessToken });
    expect(members.body.data.find((m: { userId: string }) => m.userId === bAgent.userId)?.role).toBe('agent');
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, bInvite.body.invitation.id));
    expect(inv?.revokedAt).toBeNull();
    // …and A's audit log has the three attempts.
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.organizationId, a.orgId));
    const attemptsLogged = rows.filter((r) => r.action === 'security.cross_tenant_attempt');
    expect(attemptsLogged.map((r) => r.targetId).sort()).toEqual([bAgent.userId, bAgent.userId, bInvite.body.invitation.id].sort());
    expect(attemptsLogged[0]).toMatchObject({ actorUserId: a.userId, targetType: expect.any(String) });
  });

  it('a random unknown id is a plain 404 without a security entry', async () => {
    const a = await signupOrg('Gama');
    const res = await api('DELETE', `/api/v1/invitations/${crypto.randomUUID()}`, { token: a.accessToken });
    expect(res.status).toBe(404);
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.organizationId, a.orgId));
    expect(rows.some((r) => r.action === 'security.cross_tenant_attempt')).toBe(false);
  });
});

describe('brute force', () => {
  it('login from one IP hits 429 with Retry-After', async () => {
    const s = await signupOrg('Força');
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await api('POST', '/api/v1/auth/login', { ip, body: { email: s.email, password: `wrong-${i}` } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('60');
        expect(res.body.error.code).toBe('rate_limited');
        break;
      }
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(20);
  });

  it('one account attacked from many IPs also hits 429', async () => {
    const s = await signupOrg('Botnet');
    const statuses: number[] = [];
    for (let i = 0; i < 25 && !statuses.includes(429); i++) {
      statuses.push((await api('POST', '/api/v1/auth/login', { ip: uniqueIp(), body: { email: s.email, password: 'nope-nope' } })).status);
    }
    expect(statuses).toContain(429);
    // The right password from a fresh IP is still refused while the account is being hammered.
    const res = await api('POST', '/api/v1/auth/login', { ip: uniqueIp(), body: { email: s.email, password: PASSWORD } });
    expect(res.status).toBe(429);
  });

  // The binding counts per clock minute: a run may straddle two windows, so keep going until it bites (bounded).
  async function requestsUntilLimited(call: () => Promise<{ status: number }>, max = 700): Promise<number> {
    for (let i = 1; i <= max; i++) if ((await call()).status === 429) return i;
    return Infinity;
  }

  it('the general API limit is 300 requests a minute per signed-in user, so colleagues behind one IP are not affected', async () => {
    const s = await signupOrg('Limite');
    const colleague = await addMember(s.orgId, 'agent');
    const ip = uniqueIp();
    const n = await requestsUntilLimited(() => api('GET', '/api/v1/organization', { ip, token: s.accessToken }));
    expect(n).toBeGreaterThan(300);
    expect(n).toBeLessThan(Infinity);
    expect((await api('GET', '/api/v1/organization', { ip, token: colleague.accessToken })).status).toBe(200);
    // Made-up tokens are counted per IP: they cannot dodge the limit.
    const anonIp = uniqueIp();
    let i = 0;
    expect(await requestsUntilLimited(() => api('GET', '/api/v1/organization', { ip: anonIp, token: `x.${i++}.y` }))).toBeLessThan(Infinity);
    // Over 300 real requests one after another (each opens its database connection): longer than the default 30 s
    // on a loaded machine.
  }, 120_000);
});

describe('super admin', () => {
  it('can enter any organisation, and every use is audited', async () => {
    const home = await signupOrg('Plataforma');
    const root = await addMember(home.orgId, 'agent', { superAdmin: true });
    const customer = await signupOrg('Cliente');

    const list = await api('GET', '/api/v1/admin/organizations', { token: root.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.data.some((o: { id: string }) => o.id === customer.orgId)).toBe(true);

    const entered = await api('POST', '/api/v1/auth/switch-organization', { token: root.accessToken, body: { organizationId: customer.orgId } });
    expect(entered.status).toBe(200);
    expect(entered.body.organization).toMatchObject({ id: customer.orgId, role: 'tenant_admin' });
    const members = await api('GET', '/api/v1/members', { token: entered.body.accessToken });
    expect(members.status).toBe(200);

    const log = await api('GET', '/api/v1/audit-logs?action=super_admin.', { token: customer.accessToken });
    expect(log.body.data.map((r: { action: string }) => r.action)).toContain('super_admin.enter_organization');
    expect(log.body.data[0]).toMatchObject({ actorUserId: root.userId, actorType: 'super_admin' });
  });
});
