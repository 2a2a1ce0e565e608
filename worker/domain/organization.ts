// The current organisation's settings (name, locale, time zone, data retention, reply assignment). Runs inside
// withOrg (RLS-scoped).
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { organizations } from '../db/schema';
import type { Tx } from '../db/tx';
import type { updateOrganizationBody } from '../schemas/organization';

const publicColumns = {
  id: organizations.id,
  name: organizations.name,
  slug: organizations.slug,
  locale: organizations.locale,
  timezone: organizations.timezone,
  currency: organizations.currency,
  retentionEnabled: organizations.retentionEnabled,
  retentionDays: organizations.retentionDays,
  graceDays: organizations.graceDays,
  assignOnReply: organizations.assignOnReply,
  createdAt: organizations.createdAt,
};

export async function findOrganization(tx: Tx, orgId: string) {
  const [org] = await tx.select(publicColumns).from(organizations).where(eq(organizations.id, orgId));
  return org;
}

export async function updateOrganization(tx: Tx, actor: Actor, body: z.output<typeof updateOrganizationBody>) {
  const [updated] = await tx.update(organizations).set(body).where(eq(organizations.id, actor.orgId)).returning(publicColumns);
  await recordAudit(tx, { action: 'organization.updated', ...byActor(actor), targetType: 'organization', targetId: actor.orgId, metadata: body });
  return updated!;
}
