// The conversation's activity trail: who assigned, resolved, reopened, snoozed, set pending, labelled — a small
// event in the chat's timeline (a private `system` message: never sent, never the list's preview, shown in the
// reader's language from its payload) and an entry in the audit log.
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { messageColumns, messages, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { createNotifications, type NotificationDto } from './notifications';

export type Activity =
  | { type: 'assigned'; to: string | null }
  | { type: 'status'; status: Conversation['status']; until?: string }
  | { type: 'labelled'; added: string[]; removed: string[] };

export async function recordActivity(tx: Tx, actor: Actor, conversationId: string, activity: Activity): Promise<Message> {
  const [row] = await tx
    .insert(messages)
    .values({
      organizationId: actor.orgId,
      conversationId,
      direction: 'outbound',
      kind: 'system',
      isPrivate: true,
      status: 'sent',
      senderUserId: actor.userId,
      body: null,
      payload: { activity },
    })
    .returning(messageColumns);
  await recordAudit(tx, {
    action: activity.type === 'assigned' ? 'conversation.assigned' : activity.type === 'status' ? 'conversation.status_changed' : 'conversation.labelled',
    ...byActor(actor),
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
  if (before.status !== after.status || (after.status === 'snoozed' && before.snoozedUntil?.getTime() !== after.snoozedUntil?.getTime())) {
    trail.push(await recordActivity(tx, actor, after.id, { type: 'status', status: after.status, ...(after.snoozedUntil && { until: after.snoozedUntil.toISOString() }) }));
  }
  return { trail, notices };
}
