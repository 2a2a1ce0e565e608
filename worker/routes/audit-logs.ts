// GET /api/v1/audit-logs: the organisation's audit trail for tenant admins, newest first, filterable.
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { auditLogs, users } from '../db/schema';
import { asSystem, withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { validate } from '../middleware/validate';
import { isoInstant } from '../schemas/common';

const query = z.object({
  action: z.string().max(64).optional(),
  actorId: z.uuid().optional(),
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(128).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});

export function registerAuditLogs(app: Hono<AppEnv>) {
  app.get('/api/v1/audit-logs', validate('query', query), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'audit.read');
    const q = c.req.valid('query');
    const cursor = decodeCursor(q.cursor);
    // Under the tenant's RLS (entries without a tenant are visible to no tenant); the filter says it too.
    const where: (SQL | undefined)[] = [
      eq(auditLogs.organizationId, actor.orgId),
      // A prefix such as "auth." selects a family of actions.
      q.action ? (q.action.endsWith('.') ? gte(auditLogs.action, q.action) : eq(auditLogs.action, q.action)) : undefined,
      q.action?.endsWith('.') ? lt(auditLogs.action, q.action.slice(0, -1) + '/') : undefined,
      q.actorId ? eq(auditLogs.actorUserId, q.actorId) : undefined,
      q.targetType ? eq(auditLogs.targetType, q.targetType) : undefined,
      q.targetId ? eq(auditLogs.targetId, q.targetId) : undefined,
      q.from ? gte(auditLogs.createdAt, new Date(q.from)) : undefined,
      q.to ? lte(auditLogs.createdAt, new Date(q.to)) : undefined,
      cursor
        ? or(lt(auditLogs.createdAt, cursor.createdAt), and(eq(auditLogs.createdAt, cursor.createdAt), lt(auditLogs.id, cursor.id)))
        : undefined,
    ];
    const rows = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx
        .select({
          id: auditLogs.id,
          action: auditLogs.action,
          actorUserId: auditLogs.actorUserId,
          actorType: auditLogs.actorType,
          targetType: auditLogs.targetType,
          targetId: auditLogs.targetId,
          ip: auditLogs.ip,
          userAgent: auditLogs.userAgent,
          metadata: auditLogs.metadata,
          createdAt: auditLogs.createdAt,
        })
        .from(auditLogs)
        .where(and(...where))
        .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
        .limit(q.limit + 1),
    );
    // The actors' e-mails, also of people who have left the organisation (whom the tenant's RLS no longer shows):
    // read as the system, for exactly the ids on this page.
    const actorIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => !!id))];
    const emails = actorIds.length
      ? new Map((await asSystem(c.var.db, (tx) => tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, actorIds)))).map((u) => [u.id, u.email]))
      : new Map<string, string>();
    return c.json(page(rows.map((r) => ({ ...r, actorEmail: r.actorUserId ? (emails.get(r.actorUserId) ?? null) : null })), q.limit));
  });
}
