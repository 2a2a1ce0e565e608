// GET /api/v1/audit-logs: filters, keyset pagination and tenant isolation.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, api, signupOrg, testDb, uniqueEmail, type Session } from '../../test/harness';
import { auditLogs } from '../db/schema';

const { db } = testDb();

interface Entry {
  id: string;
  action: string;
  actorUserId: string | null;
  actorEmail: string | null;
  createdAt: string;
}

async function list(admin: Session, query = ''): Promise<{ data: Entry[]; nextCursor: string | null }> {
  const res = await api('GET', `/api/v1/audit-logs${query ? `?${query}` : ''}`, { token: admin.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Follows nextCursor to the end; returns the pages. Bounded so a cursor bug cannot loop forever. */
async function allPages(admin: Session, query: string, limit: number): Promise<Entry[][]> {
  const pages: Entry[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    const page = await list(admin, params.toString());
    pages.push(page.data);
    cursor = page.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error('pagination did not end after 50 pages');
}

/**
 * An organisation with a known trail: auth.signup (admin), auth.login (manager), auth.login (agent),
 * auth.login_failed (admin), member.invited ×3 (admin), organization.updated (admin).
 */
async function orgWithTrail(name: string) {
  const admin = await signupOrg(name);
  const manager = await addMember(admin.orgId, 'manager');
  const agent = await addMember(admin.orgId, 'agent');
  const failed = await api('POST', '/api/v1/auth/login', { body: { email: admin.email, password: 'errada-errada' } });
  expect(failed.status).toBe(401);
  for (let i = 0; i < 3; i++) {
    const inv = await api('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email: uniqueEmail('trail'), role: 'agent' } });
    expect(inv.status).toBe(201);
  }
  expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { name: `${name} 2` } })).status).toBe(200);
  return { admin, manager, agent };
}

const actions = (rows: Entry[]) => rows.map((r) => r.action).sort();

describe('audit log', () => {
  it('lists the trail newest first, with the actor', async () => {
    const { admin } = await orgWithTrail('Trilha');
    const { data, nextCursor } = await list(admin);
    expect(nextCursor).toBeNull();
    expect(actions(data)).toEqual(
      ['auth.login', 'auth.login', 'auth.login_failed', 'auth.signup', 'member.invited', 'member.invited', 'member.invited', 'organization.updated'].sort(),
    );
    expect(data[0]).toMatchObject({ action: 'organization.updated', actorUserId: admin.userId, actorEmail: admin.email });
    expect(data[data.length - 1]!.action).toBe('auth.signup');
    const times = data.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by exact action', async () => {
    const { admin, manager, agent } = await orgWithTrail('Filtro Exato');
    const logins = await list(admin, 'action=auth.login');
    // Exact: auth.login_failed is not an auth.login.
    expect(actions(logins.data)).toEqual(['auth.login', 'auth.login']);
    expect(logins.data.map((r) => r.actorUserId).sort()).toEqual([manager.userId, agent.userId].sort());
    expect((await list(admin, 'action=member.invited')).data).toHaveLength(3);
    expect((await list(admin, 'action=auth')).data).toEqual([]);
    expect((await list(admin, 'action=member.role_changed')).data).toEqual([]);
  });

  it('filters by an action prefix ending in "."', async () => {
    const { admin } = await orgWithTrail('Filtro Prefixo');
    // Actions that share letters with the prefix but are not in the family.
    for (const action of ['auth', 'authz.granted', 'author.x', 'auth_.x']) {
      await db.insert(auditLogs).values({ organizationId: admin.orgId, actorType: 'system', action });
    }
    expect(actions((await list(admin, 'action=auth.')).data)).toEqual(['auth.login', 'auth.login', 'auth.login_failed', 'auth.signup']);
    expect(actions((await list(admin, 'action=member.')).data)).toEqual(['member.invited', 'member.invited', 'member.invited']);
    expect((await list(admin, 'action=organization.')).data.map((r) => r.action)).toEqual(['organization.updated']);
    expect((await list(admin, 'action=channel.')).data).toEqual([]);
  });

  it('filters by actor', async () => {
    const { admin, manager } = await orgWithTrail('Filtro Ator');
    const mine = await list(admin, `actorId=${manager.userId}`);
    expect(mine.data.map((r) => r.action)).toEqual(['auth.login']);
    const admins = await list(admin, `actorId=${admin.userId}`);
    expect(actions(admins.data)).toEqual(
      ['auth.login_failed', 'auth.signup', 'member.invited', 'member.invited', 'member.invited', 'organization.updated'].sort(),
    );
    expect((await list(admin, `actorId=${crypto.randomUUID()}`)).data).toEqual([]);
    // Filters combine.
    expect((await list(admin, `actorId=${admin.userId}&action=auth.`)).data.map((r) => r.action).sort()).toEqual(['auth.login_failed', 'auth.signup']);
  });

  it('pages with limit and cursor: no overlap, nothing missing, nextCursor null at the end', async () => {
    const { admin } = await orgWithTrail('Paginação');
    const everything = (await list(admin, 'limit=100')).data;
    expect(everything).toHaveLength(8);

    for (const limit of [1, 3, 4, 8]) {
      const pages = await allPages(admin, '', limit);
      expect(pages.length, `limit ${limit}`).toBe(Math.ceil(8 / limit));
      for (const p of pages) expect(p.length).toBeLessThanOrEqual(limit);
      expect(pages.every((p) => p.length > 0), `no empty trailing page for limit ${limit}`).toBe(true);
      const ids = pages.flat().map((r) => r.id);
      expect(new Set(ids).size, `overlap for limit ${limit}`).toBe(ids.length);
      // Same rows, same order as the single page.
      expect(ids).toEqual(everything.map((r) => r.id));
    }

    const invited = await allPages(admin, 'action=member.invited', 2);
    expect(invited.map((p) => p.length)).toEqual([2, 1]);
  });

  it('pages through entries written in the same transaction (same timestamp) without skipping any', async () => {
    const admin = await signupOrg('Mesmo Instante');
    // Five entries with one timestamp, as several inserts in one transaction get (now() is per transaction);
    // the timestamp carries microseconds, as Postgres timestamps do.
    await db.insert(auditLogs).values(
      Array.from({ length: 5 }, (_, i) => ({
        organizationId: admin.orgId,
        actorType: 'system' as const,
        action: `test.batch_${i}`,
        createdAt: sql`date_trunc('milliseconds', now()) + interval '250 microseconds'`,
      })),
    );
    const everything = (await list(admin, 'limit=100')).data.map((r) => r.id);
    expect(everything).toHaveLength(6); // + auth.signup

    const pages = await allPages(admin, '', 2);
    const ids = pages.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(everything);
  });

  it('refuses a bad cursor with 400 invalid_cursor', async () => {
    const admin = await signupOrg('Cursor Ruim');
    const b64 = (s: string) => btoa(s).replace(/=+$/, '');
    for (const cursor of ['garbage!!', 'abc', b64('not json'), b64('{"t":"yesterday","id":"x"}'), b64(JSON.stringify({ t: new Date().toISOString() }))]) {
      const res = await api('GET', `/api/v1/audit-logs?cursor=${encodeURIComponent(cursor)}`, { token: admin.accessToken });
      expect(res.status, cursor).toBe(400);
      expect(res.body).toEqual({ error: { code: 'invalid_cursor', message: expect.any(String) } });
    }
  });

  it('refuses other bad query values with 400, never 500', async () => {
    const admin = await signupOrg('Consulta Ruim');
    const yearZero = btoa(JSON.stringify({ t: '0000-01-01T00:00:00Z', id: crypto.randomUUID() })).replace(/=+$/, '');
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'actorId=not-a-uuid',
      'from=yesterday',
      `action=${'a'.repeat(65)}`,
      `cursor=${'a'.repeat(201)}`,
      // Valid ISO 8601 shapes that Postgres cannot represent (there is no year 0).
      'from=0000-01-01T00:00:00Z',
      'to=0000-06-01T00:00:00%2B14:00',
      `cursor=${yearZero}`,
      // Text Postgres cannot store or compare (NUL).
      'action=auth%00',
      'targetType=user%00',
      'targetId=%00',
    ]) {
      const res = await api('GET', `/api/v1/audit-logs?${query}`, { token: admin.accessToken });
      expect.soft(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(400);
      expect.soft(res.body.error.code, query).toMatch(/^(validation_failed|invalid_cursor)$/);
    }
  });

  it('one organisation never sees another organisation’s entries', async () => {
    const a = await orgWithTrail('Isolada A');
    const b = await orgWithTrail('Isolada B');
    // B's admin pokes at A's member: the attempt is B's entry, not A's.
    expect((await api('DELETE', `/api/v1/members/${a.agent.userId}`, { token: b.admin.accessToken })).status).toBe(404);
    // A failed log-in for an unknown e-mail belongs to no organisation.
    await api('POST', '/api/v1/auth/login', { body: { email: uniqueEmail('ninguem'), password: 'qualquer-coisa' } });

    const aIds = new Set((await list(a.admin, 'limit=100')).data.map((r) => r.id));
    const bAll = (await list(b.admin, 'limit=100')).data;
    expect(aIds.size).toBe(8);
    expect(bAll).toHaveLength(9);
    expect(bAll.some((r) => aIds.has(r.id))).toBe(false);
    expect(bAll[0]).toMatchObject({ action: 'security.cross_tenant_attempt', actorUserId: b.admin.userId });

    // Filters and cursors from the other organisation do not open a door.
    expect((await list(a.admin, `actorId=${b.admin.userId}`)).data).toEqual([]);
    expect((await list(a.admin, 'action=security.')).data).toEqual([]);
    const bCursor = (await list(b.admin, 'limit=1')).nextCursor!;
    expect(bCursor).toEqual(expect.any(String));
    const viaForeignCursor = await list(a.admin, `cursor=${bCursor}&limit=100`);
    expect(viaForeignCursor.data.every((r) => aIds.has(r.id))).toBe(true);
  });

  it('is for tenant admins only', async () => {
    const { manager, agent } = await orgWithTrail('Só Admin');
    for (const s of [manager, agent]) {
      const res = await api('GET', '/api/v1/audit-logs', { token: s.accessToken });
      expect(res.status).toBe(403);
    }
  });
});
