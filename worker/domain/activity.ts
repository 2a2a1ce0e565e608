// The conversation's activity trail: who assigned, resolved, reopened, snoozed, set pending, labelled — a small
// event in the chat's timeline (a private `system` message: never sent, never the list's preview, shown in the
// reader's language from its payload) and an entry in the audit log.
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { messageColumns, messages, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { departmentName } from './departments';
import { createNotifications, type NotificationDto } from './notifications';

export type Activity =
  | { type: 'assigned'; to: string | null }
  | { type: 'status'; status: Conversation['status']; until?: string }
  | { type: 'labelled'; added: string[]; removed: string[] }
  /** Moved to a department's queue (`name` kept: the department may be renamed or deleted later). */
  | { type: 'department'; to: string | null; name: string | null };

/** Who did it: a member, or the service desk itself (the menu bot routing a customer). */
export type ActivityActor = Actor | { orgId: string; system: true };

const AUDIT_ACTION = {
  assigned: 'conversation.assigned',
  status: 'conversation.status_changed',
  labelled: 'conversation.labelled',
  department: 'conversation.department_changed',
} as const;

export async function recordActivity(tx: Tx, actor: ActivityActor, conversationId: string, activity: Activity): Promise<Message> {
  const system = 'system' in actor;
  const [row] = await tx
    .insert(messages)
    .values({
      organizationId: actor.orgId,
      conversationId,
      direction: 'outbound',
      kind: 'system',
      isPrivate: true,
      status: 'sent',
      senderUserId: system ? null : actor.userId,
      body: null,
      payload: { activity, ...(system && { automatic: true }) },
    })
    .returning(messageColumns);
  await recordAudit(tx, {
    action: AUDIT_ACTION[activity.type],
    ...(system ? { organizationId: actor.orgId, actorType: 'system' as const } : byActor(actor)),
    targetType: 'conversation',
    targetId: conversationId,
    metadata: activity,
  });
  return row!;
}

/**
 * The trail of a PATCH: what changed between the conversation before and after; a conversation given to a colleague
 * also lands in their notification centre.
 */
export async function recordChanges(tx: Tx, actor: Actor, before: Conversation, after: Conversation): Promise<{ trail: Message[]; notices: NotificationDto[] }> {
  const trail: Message[] = [];
  let notices: NotificationDto[] = [];
  if (before.assigneeId !== after.assigneeId) {
    trail.push(await recordActivity(tx, actor, after.id, { type: 'assigned', to: after.assigneeId }));
    if (after.assigneeId && after.assigneeId !== actor.userId) {
      notices = await createNotifications(tx, actor.orgId, [{ userId: after.assigneeId, kind: 'assigned', conversationId: after.id, actorUserId: actor.userId }]);
    }
  }
  if (before.departmentId !== after.departmentId) {
    trail.push(await recordActivity(tx, actor, after.id, { type: 'department', to: after.departmentId, name: await departmentName(tx, actor.orgId, after.departmentId) }));
  }
  if (before.status !== after.status || (after.status === 'snoozed' && before.snoozedUntil?.getTime() !== after.snoozedUntil?.getTime())) {
    trail.push(await recordActivity(tx, actor, after.id, { type: 'status', status: after.status, ...(after.snoozedUntil && { until: after.snoozedUntil.toISOString() }) }));
  }
  return { trail, notices };
}
