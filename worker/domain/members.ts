// Members of an organisation and their roles. Runs inside withOrg (RLS-scoped). An organisation always keeps at
// least one tenant admin.
import { and, asc, eq, sql } from 'drizzle-orm';
import { memberships, users, type Role } from '../db/schema';
import type { Tx } from '../db/tx';
import { conflict } from '../errors';

export async function listMembers(tx: Tx, orgId: string) {
  return tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
      lastLoginAt: users.lastLoginAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId))
    .orderBy(asc(memberships.createdAt));
}

/** Everyone in the organisation as colleagues see them: id, a display name and role (no e-mails), by name. */
export async function listTeam(tx: Tx, orgId: string) {
  // No name yet (invited users): the e-mail's local part stands in, without revealing the address.
  const name = sql<string>`coalesce(nullif(btrim(${users.name}), ''), split_part(${users.email}, '@', 1))`;
  return tx
    .select({ id: users.id, name, role: memberships.role, presence: memberships.presence })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId))
    .orderBy(sql`lower(${name})`, asc(users.id));
}
export type TeamMember = Awaited<ReturnType<typeof listTeam>>[number];

/** A member's own choice, online or away (offline is when no tab of theirs is open). */
export async function setPresence(tx: Tx, orgId: string, userId: string, presence: 'online' | 'away') {
  await tx
    .update(memberships)
    .set({ presence, updatedAt: new Date() })
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
}

export async function findMembership(tx: Tx, orgId: string, userId: string) {
  const [m] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  return m;
}

/** Locks the admin rows so two concurrent demotions cannot leave the organisation without an admin. */
async function assertAnotherAdmin(tx: Tx, orgId: string, userId: string) {
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'tenant_admin')))
    .for('update');
  if (!admins.some((a) => a.userId !== userId)) {
    throw conflict('The organisation needs at least one tenant admin', 'last_admin');
  }
}

export async function changeRole(tx: Tx, orgId: string, userId: string, role: Role) {
  const current = await findMembership(tx, orgId, userId);
  if (!current) return null;
  if (current.role === 'tenant_admin' && role !== 'tenant_admin') await assertAnotherAdmin(tx, orgId, userId);
  await tx
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  return { from: current.role, to: role };
}

export async function removeMember(tx: Tx, orgId: string, userId: string) {
  const current = await findMembership(tx, orgId, userId);
  if (!current) return null;
  if (current.role === 'tenant_admin') await assertAnotherAdmin(tx, orgId, userId);
  await tx.delete(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  return { role: current.role };
}
