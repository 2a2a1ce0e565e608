// The organisation's audit trail for tenant admins: newest first, filterable, keyset-paginated.
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { auditLogs, users } from '../db/schema';
import type { Db } from '../db/client';
import { asSystem, withOrg } from '../db/tx';
import { decodeCursor, page } from '../lib/cursor';
import type { auditLogQuery } from '../schemas/audit-logs';

export async function listAuditLogs(db: Db, orgId: string, q: z.output<typeof auditLogQuery>) {
  const cursor = decodeCursor(q.cursor);
  // Under the tenant's RLS (entries without a tenant are visible to no tenant); the filter says it too.
  const where: (SQL | undefined)[] = [
    eq(auditLogs.organizationId, orgId),
    // A prefix such as "auth." selects a family of actions.
    q.action ? (q.action.endsWith('.') ? gte(auditLogs.action, q.action) : eq(auditLogs.action, q.action)) : undefined,
    q.action?.endsWith('.') ? lt(auditLogs.action, q.action.slice(0, -1) + '/') : undefined,
    q.actorId ? eq(auditLogs.actorUserId, q.actorId) : undefined,
    q.targetType ? eq(auditLogs.targetType, q.targetType) : undefined,
    q.targetId ? eq(auditLogs.targetId, q.targetId) : undefined,
    q.from ? gte(auditLogs.createdAt, new Date(q.from)) : undefined,
    q.to ? lte(auditLogs.createdAt, new Date(q.to)) : undefined,
    cursor ? or(lt(auditLogs.createdAt, cursor.createdAt), and(eq(auditLogs.createdAt, cursor.createdAt), lt(auditLogs.id, cursor.id))) : undefined,
  ];
  const rows = await withOrg(db, orgId, (tx) =>
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
    ? new Map((await asSystem(db, (tx) => tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, actorIds)))).map((u) => [u.id, u.email]))
    : new Map<string, string>();
  return page(rows.map((r) => ({ ...r, actorEmail: r.actorUserId ? (emails.get(r.actorUserId) ?? null) : null })), q.limit);
}
