// Reading conversations and their messages, with the role rules applied in the query itself: an agent's list
// holds only its own and unassigned conversations.
import { and, asc, desc, eq, exists, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { can } from '../auth/policy';
import { contacts, conversationLabels, conversationReads, conversations, labels, messageColumns, messageReactions, messages, type Label } from '../db/schema';
import type { Tx } from '../db/tx';
import type { Cursor } from '../lib/cursor';
import { messageDto } from './dto';
import { openMessageBodies, openPreviews, type ContentCrypto } from './content-crypto';
import { CONVERSATION_SORTS } from '../schemas/conversations';

export { CONVERSATION_SORTS };

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function windowOpen(lastInboundAt: Date | null, now = Date.now()): boolean {
  return lastInboundAt !== null && now - lastInboundAt.getTime() < WINDOW_MS;
}

/** The inbox's orders: last message (customer or agent; creation for one without messages), waiting longest, newest. */
export type ConversationSort = (typeof CONVERSATION_SORTS)[number];

/** "Not waiting" in the waiting order: after every waiting conversation (the index uses the same expression). */
const NOT_WAITING = sql.raw(`'9999-12-31 23:59:59.999+00'::timestamptz`);

/** Each order's key (a time) and direction; the keyset cursor is (key, id) of the last row shown. */
function sortKey(sort: ConversationSort): { key: SQL<Date>; ascending: boolean } {
  if (sort === 'waiting') return { key: sql<Date>`coalesce(${conversations.waitingSince}, ${NOT_WAITING})`.mapWith(conversations.createdAt), ascending: true };
  if (sort === 'created') return { key: sql<Date>`${conversations.createdAt}`.mapWith(conversations.createdAt), ascending: false };
  return { key: sql<Date>`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`.mapWith(conversations.createdAt), ascending: false };
}

export interface ListFilter {
  sort?: ConversationSort;
  status?: 'open' | 'pending' | 'resolved' | 'snoozed';
  /** "me", "unassigned", or a user id. */
  assignee?: string;
  /** A department's queue ("none": the general queue). */
  department?: string;
  /** Only conversations carrying this label (an id of no label of this organisation matches nothing). */
  label?: string;
  cursor?: Cursor;
  limit: number;
}

/**
 * The conversations an agent may see, as SQL (the policy's ownOrQueue): its own, and unassigned ones in the general
 * queue or one of its departments'. Undefined for staff, who see all.
 */
export function agentScope(actor: Actor): SQL | undefined {
  if (can(actor, 'conversations.list_all')) return undefined;
  const deps = actor.departments ?? [];
  const inQueue = deps.length ? or(isNull(conversations.departmentId), inArray(conversations.departmentId, deps)) : isNull(conversations.departmentId);
  return or(eq(conversations.assigneeId, actor.userId), and(isNull(conversations.assigneeId), inQueue));
}

export async function listConversations(tx: Tx, crypto: ContentCrypto, actor: Actor, f: ListFilter) {
  const where: (SQL | undefined)[] = [eq(conversations.organizationId, actor.orgId), isNull(conversations.deletedAt), agentScope(actor)];
  if (f.department === 'none') where.push(isNull(conversations.departmentId));
  else if (f.department) where.push(eq(conversations.departmentId, f.department));
  if (f.status) where.push(eq(conversations.status, f.status));
  if (f.assignee === 'me') where.push(eq(conversations.assigneeId, actor.userId));
  else if (f.assignee === 'unassigned') where.push(isNull(conversations.assigneeId));
  else if (f.assignee) where.push(eq(conversations.assigneeId, f.assignee));
  if (f.label) {
    where.push(
      exists(
        tx
          .select({ one: sql`1` })
          .from(conversationLabels)
          .where(
            and(
              eq(conversationLabels.organizationId, actor.orgId),
              eq(conversationLabels.conversationId, conversations.id),
              eq(conversationLabels.labelId, f.label),
            ),
          ),
      ),
    );
  }
  const { key, ascending } = sortKey(f.sort ?? 'last_message');
  if (f.cursor) {
    const t = f.cursor.createdAt.toISOString();
    where.push(
      ascending
        ? sql`(${key}, ${conversations.id}) > (${t}::timestamptz, ${f.cursor.id}::uuid)`
        : sql`(${key}, ${conversations.id}) < (${t}::timestamptz, ${f.cursor.id}::uuid)`,
    );
  }
  const ids = await tx
    .select({ id: conversations.id, sortAt: key })
    .from(conversations)
    .where(and(...where))
    .orderBy(...(ascending ? [asc(key), asc(conversations.id)] : [desc(key), desc(conversations.id)]))
    .limit(f.limit + 1);
  const summaries = ids.length ? await conversationEntries(tx, crypto, actor.orgId, ids.map((r) => r.id), actor.userId) : [];
  const byId = new Map(summaries.map((s) => [s.id, s]));
  return ids.map((r) => ({ ...byId.get(r.id)!, sortAt: r.sortAt }));
}

export async function findConversation(tx: Tx, orgId: string, id: string) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, id), isNull(conversations.deletedAt)));
  return row;
}

/** The chat's order (messages_org_conv_time_idx): WhatsApp's time of a customer's message, arrival otherwise. */
const messageAt = sql<Date>`coalesce(${messages.providerTimestamp}, ${messages.createdAt})`;

/**
 * A page of a conversation's messages, newest first by message time (the chat scrolls up for older ones); the cursor
 * is (time, id). Bodies are opened (stored sealed, issue 21 §4).
 */
export async function listMessages(tx: Tx, crypto: ContentCrypto, orgId: string, conversationId: string, cursor: Cursor | undefined, limit: number) {
  const rows = await tx
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, orgId),
        eq(messages.conversationId, conversationId),
        cursor ? sql`(${messageAt}, ${messages.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(messageAt), desc(messages.id))
    .limit(limit + 1);
  const reactions = rows.length
    ? await tx
        .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji, contactId: messageReactions.contactId, userId: messageReactions.userId })
        .from(messageReactions)
        .where(and(eq(messageReactions.organizationId, orgId), inArray(messageReactions.messageId, rows.map((r) => r.id))))
    : [];
  await openMessageBodies(crypto, rows);
  return rows.map((m) => messageDto(m, reactions.filter((r) => r.messageId === m.id)));
}

export type LabelRef = Pick<Label, 'id' | 'name' | 'color'>;

/** A conversation's labels by name, as a correlated subquery: a page of summaries stays one query. */
const labelsOfConversation = sql<LabelRef[]>`coalesce((
  select json_agg(json_build_object('id', ${labels.id}, 'name', ${labels.name}, 'color', ${labels.color}) order by ${labels.name}, ${labels.id})
  from ${conversationLabels} join ${labels} on ${labels.id} = ${conversationLabels.labelId}
  where ${conversationLabels.conversationId} = ${conversations.id} and ${conversationLabels.organizationId} = ${conversations.organizationId}
), '[]'::json)`;

/** Each member's own unread count where they opened the conversation ({ userId: n }); the org room pushes it to all. */
const unreadByMember = sql<Record<string, number>>`coalesce((
  select json_object_agg(${conversationReads.userId}, ${conversationReads.unreadCount})
  from ${conversationReads}
  where ${conversationReads.conversationId} = ${conversations.id} and ${conversationReads.organizationId} = ${conversations.organizationId}
), '{}'::json)`;

/** The unread count as one member sees it: theirs once they opened the conversation, the conversation's until then. */
const unreadFor = (viewerId: string) => sql<number>`coalesce((
  select ${conversationReads.unreadCount} from ${conversationReads}
  where ${conversationReads.conversationId} = ${conversations.id} and ${conversationReads.userId} = ${viewerId}
), ${conversations.unreadCount})`.mapWith(Number);

/** The list entries (conversationSummaries) with their previews opened: what the API returns. */
export async function conversationEntries(tx: Tx, crypto: ContentCrypto, orgId: string, ids: string[], viewerId?: string) {
  return openPreviews(crypto, orgId, await conversationSummaries(tx, orgId, ids, viewerId));
}

/**
 * The list entry of each conversation: what the inbox shows and the org room pushes. With a viewer, `unreadCount` is
 * theirs; `unreadBy` lets a client of the shared push pick its own. The preview is as stored (sealed): callers that
 * show it open it (conversationEntries; the realtime fan-out opens its own).
 */
export async function conversationSummaries(tx: Tx, orgId: string, ids: string[], viewerId?: string) {
  return tx
    .select({
      id: conversations.id,
      status: conversations.status,
      assigneeId: conversations.assigneeId,
      departmentId: conversations.departmentId,
      outOfHoursAt: conversations.outOfHoursAt,
      botActive: sql<boolean>`${conversations.botState} is not null`,
      channelId: conversations.channelId,
      lastMessageAt: conversations.lastMessageAt,
      lastMessagePreview: conversations.lastMessagePreview,
      waitingSince: conversations.waitingSince,
      lastInboundAt: conversations.lastInboundAt,
      unreadCount: viewerId ? unreadFor(viewerId) : conversations.unreadCount,
      unreadBy: unreadByMember,
      important: conversations.important,
      contact: { id: contacts.id, name: contacts.name, profileName: contacts.profileName, phone: contacts.phoneE164, waId: contacts.waId },
      labels: labelsOfConversation,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.organizationId, orgId), inArray(conversations.id, ids)));
}
