// Messages marked important (issue 21 §3): any member who can see the conversation marks or unmarks one; who and
// when are kept on the message and the change is audited. Retention keeps a conversation while it has an important
// message (jobs/retention.ts says why the whole conversation).
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { messageColumns, messages, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';

/**
 * Marks (or unmarks) a message of this conversation. Undefined when the organisation has no such message in it (the
 * route answers 404); `changed` is false when it already was so (nothing written, nothing audited).
 */
export async function markImportant(tx: Tx, actor: Actor, conversation: Conversation, messageId: string, important: boolean): Promise<{ message: Message; changed: boolean } | undefined> {
  const [target] = await tx
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, messageId), eq(messages.conversationId, conversation.id)))
    .for('update');
  if (!target) return undefined;
  if (target.deletedAt) throw new ApiError(422, 'not_markable', 'The message was deleted');
  if ((target.importantAt !== null) === important) return { message: target, changed: false };
  const now = new Date();
  const [message] = await tx
    .update(messages)
    .set(important ? { importantAt: now, importantBy: actor.userId, updatedAt: now } : { importantAt: null, importantBy: null, updatedAt: now })
    .where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, messageId)))
    .returning(messageColumns);
  await recordAudit(tx, {
    action: important ? 'message.marked_important' : 'message.unmarked_important',
    ...byActor(actor),
    targetType: 'message',
    targetId: messageId,
    metadata: { conversationId: conversation.id },
  });
  return { message: message!, changed: true };
}
