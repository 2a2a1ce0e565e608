// Account lookups (platform tables: run outside any tenant scope).
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { departmentMembers, memberships, organizations, sessions, users } from '../schema';
import type { Tx } from '../tx';

export async function findUserByEmail(db: Db | Tx, email: string) {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

/** The organisations a user belongs to, oldest membership first (the default on login). */
export async function listUserOrganizations(db: Db | Tx, userId: string) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      locale: organizations.locale,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), isNull(organizations.deletedAt)))
    .orderBy(asc(memberships.createdAt));
}

/** Everything needed to trust an access token now: the user, their live role in the org, the live session. */
export async function loadActorState(db: Db, userId: string, orgId: string, sessionId: string) {
  const [row] = await db
    .select({
      isSuperAdmin: users.isSuperAdmin,
      disabledAt: users.disabledAt,
      role: memberships.role,
      sessionRevokedAt: sessions.revokedAt,
      sessionExpiresAt: sessions.expiresAt,
      departments: sql<string[]>`coalesce((
        select array_agg(${departmentMembers.departmentId}::text) from ${departmentMembers}
        where ${departmentMembers.userId} = ${users.id} and ${departmentMembers.organizationId} = ${orgId}
      ), '{}')`,
    })
    .from(users)
    .innerJoin(sessions, and(eq(sessions.id, sessionId), eq(sessions.userId, users.id)))
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.organizationId, orgId)))
    .where(eq(users.id, userId));
  return row;
}
