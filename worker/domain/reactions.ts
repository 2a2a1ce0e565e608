// The business's reaction to a message. WhatsApp keeps one reaction per business number per message, so the
// organisation has at most one: an agent's reaction replaces whichever agent's came before, and "" removes it.
// Stored in message_reactions with the agent's user id; the outbound queue then tells WhatsApp the current state.
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { messageColumns, messageReactions, messages, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import { capabilitiesOf } from './channels';
import { windowOpen } from './conversations';
import { messageDto } from './dto';
import { openMessageBodies, type ContentCrypto } from './content-crypto';

const notReactable = (why: string) => new ApiError(422, 'not_reactable', why);

/** The organisation's current reaction on a message (whichever agent made it), or null. */
export async function businessReaction(tx: Tx, orgId: string, messageId: string) {
  const [row] = await tx
    .select({ emoji: messageReactions.emoji, userId: messageReactions.userId })
    .from(messageReactions)
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.messageId, messageId), isNotNull(messageReactions.userId)));
  return row ?? null;
}

export async function reactionsOf(tx: Tx, orgId: string, messageId: string) {
  return tx
    .select({ emoji: messageReactions.emoji, contactId: messageReactions.contactId, userId: messageReactions.userId })
    .from(messageReactions)
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.messageId, messageId)));
}

/** Replaces (or with null, removes) the organisation's reaction; the message row is locked, so concurrent agents queue. */
async function writeBusinessReaction(tx: Tx, orgId: string, messageId: string, reaction: { emoji: string; userId: string } | null) {
  await tx
    .delete(messageReactions)
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.messageId, messageId), isNotNull(messageReactions.userId)));
  if (reaction) await tx.insert(messageReactions).values({ organizationId: orgId, messageId, ...reaction });
  // The message changed (its reactions): clients merge by updatedAt.
  const [touched] = await tx
    .update(messages)
    .set({ updatedAt: new Date() })
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
    .returning(messageColumns);
  return touched!;
}

export interface ReactionResult {
  message: Message;
  /** False when the organisation's reaction already was this (nothing to send). */
  changed: boolean;
  /** What to put back if the change cannot be queued. */
  previous: { emoji: string; userId: string } | null;
}

/**
 * Sets the organisation's reaction on a message of this conversation. Returns undefined when the message is not
 * this organisation's at all (the route answers 404); throws 422 when it cannot be reacted to.
 */
export async function reactToMessage(tx: Tx, actor: Actor, conversation: Conversation, messageId: string, emoji: string): Promise<ReactionResult | undefined> {
  const orgId = actor.orgId;
  const [target] = await tx
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
    .for('update');
  if (!target) return undefined;
  if (target.conversationId !== conversation.id) throw notReactable('The message is not part of this conversation');
  if (target.deletedAt) throw notReactable('The message was deleted');
  if (target.isPrivate) throw notReactable('Private notes stay inside Conversa and cannot be reacted to');
  if (!target.providerMessageId) throw notReactable('The message has no WhatsApp id yet (not sent, or failed)');
  const current = await businessReaction(tx, orgId, messageId);
  const previous = current?.userId ? { emoji: current.emoji, userId: current.userId } : null;
  if ((current?.emoji ?? '') === emoji) return { message: target, changed: false, previous };
  if ((await capabilitiesOf(tx, orgId, conversation.channelId)).window24h && !windowOpen(conversation.lastInboundAt)) {
    throw new ApiError(422, 'window_closed', 'The 24-hour customer service window is closed: reactions cannot be sent now');
  }
  const message = await writeBusinessReaction(tx, orgId, messageId, emoji ? { emoji, userId: actor.userId } : null);
  return { message, changed: true, previous };
}

/** Puts back the reaction a failed enqueue replaced. */
export async function restoreReaction(tx: Tx, orgId: string, messageId: string, previous: ReactionResult['previous']) {
  return writeBusinessReaction(tx, orgId, messageId, previous);
}

/** The message's DTO with its reactions and its body opened (stored sealed). */
export async function messageWithReactions(tx: Tx, crypto: ContentCrypto, orgId: string, message: Message) {
  await openMessageBodies(crypto, [message]);
  return messageDto(message, await reactionsOf(tx, orgId, message.id));
}
