// Reading conversations and their messages, with the role rules applied in the query itself: an agent's list
// holds only its own and unassigned conversations.
import { and, desc, eq, exists, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { can } from '../auth/policy';
import { contacts, conversationLabels, conversations, labels, messageColumns, messageReactions, messages, type Label } from '../db/schema';
import type { Tx } from '../db/tx';
import type { Cursor } from '../lib/cursor';
import { messageDto } from './dto';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the conversation last had a message (its creation before the first one): the inbox's order. */
const lastActivity = () => sql<Date>`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`.mapWith(conversations.lastMessageAt);

export function windowOpen(lastInboundAt: Date | null, now = Date.now()): boolean {
  return lastInboundAt !== null && now - lastInboundAt.getTime() < WINDOW_MS;
}

export interface ListFilter {
  status?: 'open' | 'pending' | 'resolved' | 'snoozed';
  /** "me", "unassigned", or a user id. */
  assignee?: string;
  /** Only conversations carrying this label (an id of no label of this organisation matches nothing). */
  label?: string;
  cursor?: Cursor;
  limit: number;
}

export async function listConversations(tx: Tx, actor: Actor, f: ListFilter) {
  const where: (SQL | undefined)[] = [eq(conversations.organizationId, actor.orgId), isNull(conversations.deletedAt)];
  if (!can(actor, 'conversations.list_all')) {
    where.push(or(eq(conversations.assigneeId, actor.userId), isNull(conversations.assigneeId)));
  }
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
  // Latest message first (the customer's or ours), as in WhatsApp: assigning, labelling or resolving does not move
  // a conversation above one that just received a message. The cursor is (that time, id) of the last row shown.
  const activity = lastActivity();
  if (f.cursor) {
    where.push(or(lt(activity, f.cursor.createdAt), and(eq(activity, f.cursor.createdAt), lt(conversations.id, f.cursor.id))));
  }
  const ids = await tx
    .select({ id: conversations.id, activity })
    .from(conversations)
    .where(and(...where))
    .orderBy(desc(activity), desc(conversations.id))
    .limit(f.limit + 1);
  const summaries = ids.length ? await conversationSummaries(tx, actor.orgId, ids.map((r) => r.id)) : [];
  const byId = new Map(summaries.map((s) => [s.id, s]));
  return ids.map((r) => ({ ...byId.get(r.id)!, createdAt: r.activity }));
}

export async function findConversation(tx: Tx, orgId: string, id: string) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, id), isNull(conversations.deletedAt)));
  return row;
}

/** A page of a conversation's messages, newest first (the chat scrolls up for older ones). */
export async function listMessages(tx: Tx, orgId: string, conversationId: string, cursor: Cursor | undefined, limit: number) {
  const rows = await tx
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, orgId),
        eq(messages.conversationId, conversationId),
        cursor ? or(lt(messages.createdAt, cursor.createdAt), and(eq(messages.createdAt, cursor.createdAt), lt(messages.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1);
  const reactions = rows.length
    ? await tx
        .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji, contactId: messageReactions.contactId, userId: messageReactions.userId })
        .from(messageReactions)
        .where(and(eq(messageReactions.organizationId, orgId), inArray(messageReactions.messageId, rows.map((r) => r.id))))
    : [];
  return rows.map((m) => ({ ...messageDto(m, reactions.filter((r) => r.messageId === m.id)), createdAt: m.createdAt }));
}

export type LabelRef = Pick<Label, 'id' | 'name' | 'color'>;

/** A conversation's labels by name, as a correlated subquery: a page of summaries stays one query. */
const labelsOfConversation = sql<LabelRef[]>`coalesce((
  select json_agg(json_build_object('id', ${labels.id}, 'name', ${labels.name}, 'color', ${labels.color}) order by ${labels.name}, ${labels.id})
  from ${conversationLabels} join ${labels} on ${labels.id} = ${conversationLabels.labelId}
  where ${conversationLabels.conversationId} = ${conversations.id} and ${conversationLabels.organizationId} = ${conversations.organizationId}
), '[]'::json)`;

/** The list entry of each conversation: what the inbox shows and the org room pushes. */
export async function conversationSummaries(tx: Tx, orgId: string, ids: string[]) {
  return tx
    .select({
      id: conversations.id,
      status: conversations.status,
      assigneeId: conversations.assigneeId,
      channelId: conversations.channelId,
      lastMessageAt: conversations.lastMessageAt,
      lastMessagePreview: conversations.lastMessagePreview,
      lastInboundAt: conversations.lastInboundAt,
      unreadCount: conversations.unreadCount,
      important: conversations.important,
      contact: { id: contacts.id, name: contacts.name, profileName: contacts.profileName, phone: contacts.phoneE164, waId: contacts.waId },
      labels: labelsOfConversation,
      updatedAt: conversations.updatedAt,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.organizationId, orgId), inArray(conversations.id, ids)));
}
