// GET /api/v1/audit-logs: the organisation's audit trail for tenant admins, newest first, filterable.
import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { auditLogs, users } from '../db/schema';
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
    // audit_logs is a platform table (some entries have no tenant): the organisation filter is explicit here.
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
    const rows = await c.var.db
      .select({
        id: auditLogs.id,
        action: auditLogs.action,
        actorUserId: auditLogs.actorUserId,
        actorType: auditLogs.actorType,
        actorEmail: users.email,
        targetType: auditLogs.targetType,
        targetId: auditLogs.targetId,
        ip: auditLogs.ip,
        userAgent: auditLogs.userAgent,
        metadata: auditLogs.metadata,
        createdAt: auditLogs.createdAt,
      })
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(and(...where))
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(q.limit + 1);
    return c.json(page(rows, q.limit));
  });
}
