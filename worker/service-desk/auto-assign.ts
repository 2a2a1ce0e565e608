// Auto-assignment: a department with `auto_assign` hands its waiting conversations round-robin to members who are
// online (their choice, and an inbox tab open: `connected`) and under the department's cap of open conversations;
// the member assigned longest ago goes next. A conversation assigned this way that nobody answers within the
// department's `requeue_after_minutes` goes back to the queue for someone else. Runs after the menu bot routes a
// customer and every minute (members come online, conversations close).
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { conversations, departmentMembers, departments, memberships, messages, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { recordActivity } from '../domain/activity';
import { createNotifications, type NotificationDto } from '../domain/notifications';

export interface AssignResult {
  assigned: { conversationId: string; userId: string }[];
  /** Conversations sent back to the queue, and whom they came from (the next turn skips them). */
  requeued: { conversationId: string; from: string }[];
  trail: Message[];
  notices: NotificationDto[];
}

export async function autoAssign(tx: Tx, orgId: string, connected: string[], now = new Date()): Promise<AssignResult> {
  const result: AssignResult = { assigned: [], requeued: [], trail: [], notices: [] };
  const deps = await tx
    .select()
    .from(departments)
    .where(and(eq(departments.organizationId, orgId), eq(departments.autoAssign, true)))
    .for('update');
  for (const dep of deps) {
    await requeueUnanswered(tx, orgId, dep, now, result);
    await assignQueue(tx, orgId, dep, connected, now, result);
  }
  return result;
}

type Dep = typeof departments.$inferSelect;

async function assignQueue(tx: Tx, orgId: string, dep: Dep, connected: string[], now: Date, out: AssignResult) {
  if (connected.length === 0) return;
  const waiting = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        eq(conversations.departmentId, dep.id),
        isNull(conversations.assigneeId),
        eq(conversations.status, 'open'),
        isNull(conversations.deletedAt),
        isNull(conversations.botState),
      ),
    )
    .orderBy(sql`${conversations.waitingSince} asc nulls last`, asc(conversations.createdAt))
    .limit(200)
    .for('update', { skipLocked: true });
  if (waiting.length === 0) return;
  // Members who may take work now, with how many open conversations they hold, in round-robin order.
  const candidates = await tx
    .select({
      userId: departmentMembers.userId,
      open: sql<number>`(select count(*) from ${conversations} c
        where c.organization_id = ${orgId} and c.assignee_id = ${departmentMembers.userId}
          and c.status in ('open', 'pending') and c.deleted_at is null)`.mapWith(Number),
    })
    .from(departmentMembers)
    .innerJoin(memberships, and(eq(memberships.userId, departmentMembers.userId), eq(memberships.organizationId, orgId)))
    .where(and(eq(departmentMembers.departmentId, dep.id), eq(memberships.presence, 'online'), inArray(departmentMembers.userId, connected)))
    .orderBy(sql`${departmentMembers.lastAssignedAt} asc nulls first`, asc(departmentMembers.userId));
  const load = new Map(candidates.map((c) => [c.userId, c.open]));
  const order = candidates.map((c) => c.userId);
  const avoid = new Map(out.requeued.map((r) => [r.conversationId, r.from]));
  for (const conv of waiting) {
    const next = order.find((u) => load.get(u)! < dep.maxOpenPerAgent && u !== avoid.get(conv.id));
    if (!next) continue;
    await tx
      .update(conversations)
      .set({ assigneeId: next, autoAssignedAt: now, updatedAt: now })
      .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conv.id), isNull(conversations.assigneeId)));
    await tx
      .update(departmentMembers)
      .set({ lastAssignedAt: now })
      .where(and(eq(departmentMembers.departmentId, dep.id), eq(departmentMembers.userId, next)));
    load.set(next, load.get(next)! + 1);
    // Their turn is over: to the back of the line.
    order.splice(order.indexOf(next), 1);
    order.push(next);
    out.assigned.push({ conversationId: conv.id, userId: next });
    out.trail.push(await recordActivity(tx, { orgId, system: true }, conv.id, { type: 'assigned', to: next }));
    out.notices.push(...(await createNotifications(tx, orgId, [{ userId: next, kind: 'assigned', conversationId: conv.id, actorUserId: null }])));
  }
}

async function requeueUnanswered(tx: Tx, orgId: string, dep: Dep, now: Date, out: AssignResult) {
  if (!dep.requeueAfterMinutes) return;
  const cutoff = new Date(now.getTime() - dep.requeueAfterMinutes * 60_000);
  const stale = await tx
    .select({ id: conversations.id, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        eq(conversations.departmentId, dep.id),
        isNotNull(conversations.assigneeId),
        eq(conversations.status, 'open'),
        sql`${conversations.autoAssignedAt} <= ${cutoff.toISOString()}::timestamptz`,
        // Nobody wrote to the customer since it was given out.
        sql`not exists (select 1 from ${messages} m where m.organization_id = ${orgId} and m.conversation_id = ${conversations.id}
              and m.direction = 'outbound' and m.sender_user_id is not null and not m.is_private and m.created_at >= ${conversations.autoAssignedAt})`,
      ),
    )
    .for('update', { skipLocked: true });
  for (const conv of stale) {
    await tx
      .update(conversations)
      .set({ assigneeId: null, autoAssignedAt: null, updatedAt: now })
      .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conv.id)));
    out.requeued.push({ conversationId: conv.id, from: conv.assigneeId! });
    out.trail.push(await recordActivity(tx, { orgId, system: true }, conv.id, { type: 'assigned', to: null }));
  }
}

/** Organisations with at least one auto-assigning department (the cron's list; read across tenants, as the system). */
export async function orgsWithAutoAssign(tx: Tx): Promise<string[]> {
  const rows = await tx.selectDistinct({ orgId: departments.organizationId }).from(departments).where(eq(departments.autoAssign, true));
  return rows.map((r) => r.orgId);
}
