import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, testDb } from '../../test/harness';
import { auditLogs, contacts, memberships, organizations, passwordResets, sessions, users } from './schema';
import { asSystem, withOrg, type Tx } from './tx';

describe('row-level security', () => {
  const { db, pool } = testDb();
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    orgA = (await createOrg(db, 'Alfa')).id;
    orgB = (await createOrg(db, 'Beta')).id;
    await asSystem(db, (tx) =>
      tx.insert(contacts).values([
        { organizationId: orgA, waId: '5511999990001', name: 'Cliente A' },
        { organizationId: orgB, waId: '5511999990002', name: 'Cliente B' },
      ]),
    );
  });
  afterAll(() => pool.end());

  it('shows a tenant only its own rows, even with no filter in the query', async () => {
    const seen = await withOrg(db, orgA, (tx) => tx.select({ name: contacts.name }).from(contacts));
    expect(seen).toEqual([{ name: 'Cliente A' }]);
  });

  it('blocks a query for another tenant by id', async () => {
    const seen = await withOrg(db, orgA, (tx) => tx.select().from(contacts).where(eq(contacts.organizationId, orgB)));
    expect(seen).toEqual([]);
  });

  it('shows nothing when app.org_id is not set', async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'app_user', true)`);
      return tx.select().from(contacts);
    });
    expect(seen).toEqual([]);
  });

  it('refuses to write a row into another tenant', async () => {
    const attempt = withOrg(db, orgA, (tx) =>
      tx.insert(contacts).values({ organizationId: orgB, waId: '5511999990003', name: 'Intruso' }),
    );
    await expect(attempt).rejects.toThrow();
    const count = await asSystem(db, (tx) => tx.select().from(contacts).where(eq(contacts.waId, '5511999990003')));
    expect(count).toEqual([]);
  });

  it('cannot update or delete another tenant’s rows', async () => {
    const updated = await withOrg(db, orgA, (tx) =>
      tx.update(contacts).set({ name: 'Hacked' }).where(eq(contacts.organizationId, orgB)).returning(),
    );
    const deleted = await withOrg(db, orgA, (tx) =>
      tx.delete(contacts).where(eq(contacts.organizationId, orgB)).returning(),
    );
    expect(updated).toEqual([]);
    expect(deleted).toEqual([]);
    const [b] = await asSystem(db, (tx) => tx.select().from(contacts).where(eq(contacts.organizationId, orgB)));
    expect(b?.name).toBe('Cliente B');
  });

  it('does not leak app.org_id to the next transaction on the same connection', async () => {
    const { db: single, pool: one } = (await import('../../test/harness')).testDb();
    try {
      await withOrg(single, orgA, (tx) => tx.select().from(contacts));
      const after = await single.execute(sql`select current_setting('app.org_id', true) as org, current_user as role`);
      expect(after.rows[0]).toMatchObject({ org: expect.not.stringMatching(orgA) });
      expect(after.rows[0]?.role).not.toBe('app_user');
    } finally {
      await one.end();
    }
  });
});

describe('least privilege for tenant transactions', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('reach no password hash, session or reset token, and only their own organisation, members, audit and dead letters', async () => {
    const a = await createOrg(db, 'Priv A');
    const b = await createOrg(db, 'Priv B');
    const email = `membro-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const outsider = `fora-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const [member] = await db.insert(users).values({ email, name: 'Membro', passwordHash: 'hash-secreto' }).returning();
    const [other] = await db.insert(users).values({ email: outsider, name: 'Fora', passwordHash: 'hash-secreto' }).returning();
    await db.insert(memberships).values([
      { organizationId: a.id, userId: member!.id, role: 'agent' },
      { organizationId: b.id, userId: other!.id, role: 'agent' },
    ]);
    await db.insert(auditLogs).values([
      { organizationId: a.id, action: 'label.created', actorType: 'user' },
      { organizationId: b.id, action: 'label.created', actorType: 'user' },
      { organizationId: null, action: 'auth.login_failed', actorType: 'user' },
    ]);

    const denied = (fn: (tx: Tx) => Promise<unknown>) => expect(withOrg(db, a.id, fn)).rejects.toMatchObject({ cause: { code: '42501' } });
    await denied((tx) => tx.select({ h: users.passwordHash }).from(users));
    await denied((tx) => tx.select().from(sessions));
    await denied((tx) => tx.select().from(passwordResets));
    await denied((tx) => tx.update(auditLogs).set({ action: 'x' }));
    await denied((tx) => tx.delete(auditLogs));

    await withOrg(db, a.id, async (tx) => {
      const seen = await tx.select({ email: users.email }).from(users).where(inArray(users.email, [email, outsider]));
      expect(seen).toEqual([{ email }]);
      expect((await tx.select({ id: organizations.id }).from(organizations)).map((o) => o.id)).toEqual([a.id]);
      const audit = await tx.select({ org: auditLogs.organizationId }).from(auditLogs);
      expect(new Set(audit.map((r) => r.org))).toEqual(new Set([a.id]));
      expect(await tx.update(organizations).set({ name: 'Tomada' }).where(eq(organizations.id, b.id)).returning()).toEqual([]);
    });
    await expect(
      withOrg(db, a.id, (tx) => tx.insert(auditLogs).values({ organizationId: b.id, action: 'label.created', actorType: 'user' })),
    ).rejects.toThrow();
  });
});
