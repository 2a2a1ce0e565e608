// After commit (never before), tell the realtime rooms what changed: one call per conversation room and one per
// organisation inbox per batch. A failed notify is logged and never fails the stored data; clients catch up.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import { messageReactions, type Message } from '../worker/db/schema';
import { withOrg, type Tx } from '../worker/db/tx';
import { conversationSummaries } from '../worker/domain/conversations';
import { messageDto } from '../worker/domain/dto';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';

export interface StoredChanges {
  created: Message[];
  updated: Message[];
  conversationIds: string[];
  /** Also send each conversation's `conversation.updated` to its own room, for changes the open chat shows (labels). */
  toRooms?: boolean;
  /** The reads below, when the caller already made them inside its own transaction. */
  prefetched?: Notification;
}

export interface Notification {
  reactions: { messageId: string; emoji: string; contactId: string | null; userId: string | null }[];
  summaries: Awaited<ReturnType<typeof conversationSummaries>>;
}

/** What a fan-out needs from the database: the reactions of the messages it shows and the conversations' list entries. */
export async function loadNotification(tx: Tx, orgId: string, conversationIds: string[], messages: Message[]): Promise<Notification> {
  return {
    reactions: messages.length
      ? await tx
          .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji, contactId: messageReactions.contactId, userId: messageReactions.userId })
          .from(messageReactions)
          .where(and(eq(messageReactions.organizationId, orgId), inArray(messageReactions.messageId, messages.map((m) => m.id))))
      : [],
    summaries: conversationIds.length ? await conversationSummaries(tx, orgId, conversationIds) : [],
  };
}

export function conversationRoom(env: Env, orgId: string, conversationId: string) {
  return env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${orgId}:${conversationId}`));
}

export function orgInbox(env: Env, orgId: string) {
  return env.ORG_INBOX.get(env.ORG_INBOX.idFromName(orgId));
}

/** Publishes events to the organisation's inbox room after a commit; a failure is logged, never thrown. */
export async function publishToInbox(env: Env, orgId: string, events: { type: string; data: unknown }[], log: Logger): Promise<void> {
  if (events.length === 0) return;
  try {
    await orgInbox(env, orgId).publishMany(events);
  } catch (err) {
    log.warn('realtime notify failed', { ...errorFields(err), orgId, types: events.map((e) => e.type) });
  }
}

export async function notifyStored(env: Env, db: Db, orgId: string, changes: StoredChanges, log: Logger): Promise<void> {
  if (changes.created.length + changes.updated.length + changes.conversationIds.length === 0) return;
  try {
    const { reactions, summaries } =
      changes.prefetched ??
      (await withOrg(db, orgId, (tx) => loadNotification(tx, orgId, changes.conversationIds, [...changes.created, ...changes.updated])));
    const reactionsByMessage = new Map<string, Notification['reactions']>();
    for (const r of reactions) reactionsByMessage.set(r.messageId, [...(reactionsByMessage.get(r.messageId) ?? []), r]);
    const reactionsOf = (id: string) => reactionsByMessage.get(id) ?? [];

    const byConversation = new Map<string, { type: string; data: unknown }[]>();
    const add = (m: Message, type: string) => {
      const events = byConversation.get(m.conversationId) ?? [];
      events.push({ type, data: messageDto(m, reactionsOf(m.id)) });
      byConversation.set(m.conversationId, events);
    };
    for (const m of changes.created) add(m, 'message.created');
    for (const m of changes.updated) add(m, 'message.updated');
    if (changes.toRooms) {
      for (const summary of summaries) byConversation.set(summary.id, [...(byConversation.get(summary.id) ?? []), { type: 'conversation.updated', data: summary }]);
    }

    const calls: Promise<unknown>[] = [...byConversation].map(([conversationId, events]) =>
      conversationRoom(env, orgId, conversationId).publishMany(events),
    );
    if (summaries.length) {
      calls.push(orgInbox(env, orgId).publishMany(summaries.map((s) => ({ type: 'conversation.updated', data: s }))));
    }
    const results = await Promise.allSettled(calls);
    for (const r of results) if (r.status === 'rejected') log.warn('realtime notify failed', errorFields(r.reason));
  } catch (err) {
    log.warn('realtime notify failed', { ...errorFields(err), orgId });
  }
}
