// Assignment and status changes of a conversation (open, pending, resolved, snoozed).
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { conversations, memberships, type Conversation } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { updateConversationBody } from '../schemas/messages';
import { clearReaders } from './conversation-reads';
import { departmentName } from './departments';
import { openPreviews, type ContentCrypto } from './content-crypto';

/** The conversation as changed, its preview opened (`crypto`): what PATCH answers and outgoing webhooks carry. */
export async function updateConversation(tx: Tx, crypto: ContentCrypto, actor: Actor, conversation: Conversation, body: z.infer<typeof updateConversationBody>) {
  const patch: Partial<Conversation> = { updatedAt: new Date() };
  if (body.assigneeId !== undefined) {
    if (body.assigneeId) {
      const [member] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.organizationId, actor.orgId), eq(memberships.userId, body.assigneeId)));
      if (!member) throw new ApiError(422, 'invalid_assignee', 'The assignee is not a member of this organisation');
    }
    patch.assigneeId = body.assigneeId;
    // A person chose: the round robin's requeue timer no longer applies.
    patch.autoAssignedAt = null;
  }
  if (body.important !== undefined) patch.important = body.important;
  if (body.departmentId !== undefined) {
    if (body.departmentId && !(await departmentName(tx, actor.orgId, body.departmentId))) {
      throw new ApiError(422, 'invalid_department', 'No such department in this organisation');
    }
    patch.departmentId = body.departmentId;
    // A person moved it: the menu bot has nothing more to ask.
    patch.botState = null;
  }
  if (body.status) {
    patch.status = body.status;
    patch.resolvedAt = body.status === 'resolved' ? new Date() : null;
    if (body.status === 'snoozed') {
      if (!body.snoozedUntil || new Date(body.snoozedUntil).getTime() <= Date.now()) {
        throw new ApiError(422, 'invalid_snooze', 'Snoozing needs a snoozedUntil in the future');
      }
      patch.snoozedUntil = new Date(body.snoozedUntil);
    } else {
      patch.snoozedUntil = null;
    }
    if (body.status === 'resolved') patch.unreadCount = 0;
  }
  try {
    const [row] = await tx
      .update(conversations)
      .set(patch)
      .where(and(eq(conversations.organizationId, actor.orgId), eq(conversations.id, conversation.id)))
      .returning();
    if (body.status === 'resolved') await clearReaders(tx, actor.orgId, [conversation.id]);
    const [opened] = await openPreviews(crypto, actor.orgId, [row!]);
    return opened!;
  } catch (err) {
    // Reopening while the customer already has a newer open conversation on this number.
    if (isUniqueViolation(err)) throw conflict('This contact already has an open conversation on this channel', 'conversation_already_open');
    throw err;
  }
}
