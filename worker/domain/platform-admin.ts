// The platform view for super admins: every organisation with its member count. Every use is audited.
import { count, desc, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { memberships, organizations } from '../db/schema';

export async function listOrganizationsAsSuperAdmin(db: Db, actor: Actor) {
  const data = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      createdAt: organizations.createdAt,
      members: count(memberships.id),
    })
    .from(organizations)
    .leftJoin(memberships, eq(memberships.organizationId, organizations.id))
    .groupBy(organizations.id)
    .orderBy(desc(organizations.createdAt));
  await recordAudit(db, {
    action: 'super_admin.action',
    ...byActor(actor),
    actorType: 'super_admin',
    targetType: 'platform',
    metadata: { what: 'list_organizations' },
  });
  return data;
}
