// /api/v1/admin/organizations: the platform view for super admins. Every use is audited.
import { count, desc, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { byActor, recordAudit } from '../audit/record';
import { memberships, organizations } from '../db/schema';
import type { AppEnv } from '../env';
import { forbidden } from '../errors';

export function registerPlatformAdmin(app: Hono<AppEnv>) {
  app.get('/api/v1/admin/organizations', async (c) => {
    const actor = c.var.actor;
    if (!actor.isSuperAdmin) throw forbidden('Only platform super admins may list organisations');
    const data = await c.var.db
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
    await recordAudit(c.var.db, {
      action: 'super_admin.action',
      ...byActor(actor),
      actorType: 'super_admin',
      targetType: 'platform',
      metadata: { what: 'list_organizations' },
    });
    return c.json({ data, nextCursor: null });
  });
}
