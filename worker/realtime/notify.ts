// After commit (never before), tell the realtime rooms what changed: one call per conversation room and one per
// organisation inbox per batch. A failed notify never fails the stored data, and never goes silently missing: the
// events are retried through the outbound queue (`realtime.notify`), and when a room still does not take them its
// sockets are told to `resync` (a stored event with its own seq, so clients that reconnect later reload too).
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { messageReactions, type Message } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
import { conversationSummaries } from '../domain/conversations';
import { messageDto } from '../domain/dto';
import { contentCrypto, openMessageBodies, openPreviews } from '../domain/content-crypto';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';

/** Deliveries of a `realtime.notify` before the room's sockets are told to resync instead. */
export const NOTIFY_MAX_ATTEMPTS = 4;

export type RoomEvent = { type: string; data: unknown };

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

export const roomOf = (env: Env, orgId: string, conversationId: string | null) =>
  conversationId ? conversationRoom(env, orgId, conversationId) : orgInbox(env, orgId);

/** Publishes to one room; what it does not take is queued for another try (never thrown). */
export async function deliver(env: Env, orgId: string, conversationId: string | null, events: RoomEvent[], log: Logger): Promise<void> {
  try {
    await roomOf(env, orgId, conversationId).publishMany(events);
  } catch (err) {
    log.warn('realtime notify failed; queued for another try', { ...errorFields(err), orgId, conversationId, types: events.map((e) => e.type) });
    try {
      await env.OUTBOUND_QUEUE.send({ type: 'realtime.notify', organizationId: orgId, conversationId, events }, { contentType: 'json' });
    } catch (queueErr) {
      // Not even queued (too large, queue down): the sockets reload what they missed.
      log.warn('realtime notify could not be queued', { ...errorFields(queueErr), orgId, conversationId });
      await resyncRoom(env, orgId, conversationId, log);
    }
  }
}

/** Tells a room's sockets they missed something (they reload over REST); the last resort, so only logged. */
export async function resyncRoom(env: Env, orgId: string, conversationId: string | null, log: Logger): Promise<void> {
  try {
    await roomOf(env, orgId, conversationId).resync('missed_events');
  } catch (err) {
    log.error('realtime resync failed', { ...errorFields(err), orgId, conversationId });
  }
}

/** Publishes events to the organisation's inbox room after a commit; a failure is retried, never thrown. */
export async function publishToInbox(env: Env, orgId: string, events: RoomEvent[], log: Logger): Promise<void> {
  if (events.length === 0) return;
  await deliver(env, orgId, null, events, log);
}

/** Publishes events to one conversation's room after a commit (e.g. `scheduled.updated`); retried, never thrown. */
export async function publishToConversation(env: Env, orgId: string, conversationId: string, events: RoomEvent[], log: Logger): Promise<void> {
  if (events.length === 0) return;
  await deliver(env, orgId, conversationId, events, log);
}

export async function notifyStored(env: Env, db: Db, orgId: string, changes: StoredChanges, log: Logger): Promise<void> {
  if (changes.created.length + changes.updated.length + changes.conversationIds.length === 0) return;
  let loaded: Notification;
  try {
    loaded = changes.prefetched ?? (await withOrg(db, orgId, (tx) => loadNotification(tx, orgId, changes.conversationIds, [...changes.created, ...changes.updated])));
  } catch (err) {
    // Without the reads there are no events to send: every affected room reloads instead.
    log.warn('realtime notify could not read what changed; rooms resync', { ...errorFields(err), orgId });
    const rooms = new Set([...changes.created, ...changes.updated].map((m) => m.conversationId));
    if (changes.toRooms) for (const id of changes.conversationIds) rooms.add(id);
    const targets: (string | null)[] = [...rooms, ...(changes.conversationIds.length ? [null] : [])];
    await Promise.all(targets.map((id) => resyncRoom(env, orgId, id, log)));
    return;
  }
  const { reactions, summaries } = loaded;
  // Rows may come straight from the database, sealed (issue 21 §4): rooms and their replay buffers get plaintext.
  const crypto = contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, orgId);
  await Promise.all([openPreviews(crypto, orgId, summaries), openMessageBodies(crypto, changes.created), openMessageBodies(crypto, changes.updated)]);
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

  const rooms: RoomEvents[] = [...byConversation].map(([conversationId, events]) => ({ conversationId, events }));
  if (summaries.length) rooms.push({ conversationId: null, events: summaries.map((s) => ({ type: 'conversation.updated', data: s })) });
  await routeToRooms(env, orgId, rooms, log);
}

export interface RoomEvents {
  /** null: the organisation's inbox. */
  conversationId: string | null;
  events: RoomEvent[];
}

/**
 * One call for a whole batch: the organisation's inbox object publishes its own events and forwards each room's
 * (OrgInbox.route) to the rooms someone has open, instead of one call from here per room. If the inbox cannot
 * be reached at all, each room is published to from here (its events may then reach some sockets twice; clients
 * keep messages by id).
 */
export async function routeToRooms(env: Env, orgId: string, rooms: RoomEvents[], log: Logger): Promise<void> {
  if (rooms.length === 0) return;
  // The inbox's own events alone go straight to it; conversation rooms always through it, which knows which are watched.
  if (rooms.length === 1 && rooms[0]!.conversationId === null) return deliver(env, orgId, null, rooms[0]!.events, log);
  try {
    await orgInbox(env, orgId).route(orgId, rooms);
  } catch (err) {
    log.warn('inbox routing failed; publishing room by room', { ...errorFields(err), orgId, rooms: rooms.length });
    await Promise.all(rooms.map((r) => deliver(env, orgId, r.conversationId, r.events, log)));
  }
}

/** Members' new notifications, to the organisation's inbox sockets (each delivered only to its member). */
export async function publishNotifications(env: Env, orgId: string, notices: { userId: string }[], log: Logger): Promise<void> {
  await publishToInbox(env, orgId, notices.map((n) => ({ type: 'notification.created', data: n })), log);
}
