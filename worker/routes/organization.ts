// /api/v1/organization: the current organisation's settings (name, locale, data retention).
import { eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { organizations } from '../db/schema';
import { withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { notFound } from '../errors';
import { validate } from '../middleware/validate';

const updateBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    locale: z.enum(['pt-BR', 'en']),
    timezone: z.string().min(1).max(64),
    retentionEnabled: z.boolean(),
    // LGPD: keep personal data no longer than needed; at most 10 years, at least 30 days.
    retentionDays: z.number().int().min(30).max(3650),
    graceDays: z.number().int().min(1).max(90),
    assignOnReply: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

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

export function registerOrganization(app: Hono<AppEnv>) {
  app.get('/api/v1/organization', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'organization.read');
    const [org] = await withOrg(c.var.db, actor.orgId, (tx) => tx.select(publicColumns).from(organizations).where(eq(organizations.id, actor.orgId)));
    if (!org) throw notFound('Organization');
    return c.json({ organization: org, role: actor.role });
  });

  app.patch('/api/v1/organization', validate('json', updateBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'organization.update');
    const body = c.req.valid('json');
    if (body.retentionEnabled !== undefined || body.retentionDays !== undefined || body.graceDays !== undefined) {
      authorize(actor, 'retention.manage');
    }
    if (body.timezone && !isTimeZone(body.timezone)) {
      return c.json({ error: { code: 'validation_failed', message: 'Invalid json: timezone: unknown time zone' } }, 400);
    }
    const org = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [updated] = await tx.update(organizations).set(body).where(eq(organizations.id, actor.orgId)).returning(publicColumns);
      await recordAudit(tx, { action: 'organization.updated', ...byActor(actor), targetType: 'organization', targetId: actor.orgId, metadata: body });
      return updated;
    });
    return c.json({ organization: org });
  });
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
