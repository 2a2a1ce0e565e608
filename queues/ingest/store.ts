// Stores one organisation's share of an ingest batch in one transaction (RLS-scoped): contacts upserted,
// conversations found or opened, messages inserted once (the wamid is the idempotency key), reactions applied,
// statuses moved forward only. Returns what changed, for the realtime fan-out after commit.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../worker/db/client';
import { contacts, conversations, messageColumns, messageReactions, messages, type Message } from '../../worker/db/schema';
import { withOrg, type Tx } from '../../worker/db/tx';
import { contactsByAlias } from '../../worker/domain/contact-aliases';
import { messageTime } from '../../worker/domain/dto';
import { previewText } from '../../worker/domain/preview';
import type { MessageEvent, StatusEvent } from '../meta/normalise';
import { loadNotification, type Notification } from '../notify';
import { applyStatuses, keepPending } from './statuses';

export interface OrgEvents {
  orgId: string;
  /** phone_number_id → channel id, for the channels of this organisation that appear in the batch. */
  channelByPhone: Map<string, string>;
  messages: MessageEvent[];
  statuses: StatusEvent[];
}

export interface StoreResult {
  created: Message[];
  updated: Message[];
  /** Conversations whose list entry changed (new message, unread count, reopened). */
  conversationIds: string[];
  /** Statuses for messages we don't have (yet), kept in pending_statuses until the send's wamid is recorded. */
  pendingStatuses: StatusEvent[];
  /** What the rooms will be told, read in the same transaction (published only after commit). */
  prefetched?: Notification;
}

export async function storeOrgEvents(db: Db, batch: OrgEvents): Promise<StoreResult> {
  return withOrg(db, batch.orgId, async (tx) => {
    const result: StoreResult = { created: [], updated: [], conversationIds: [], pendingStatuses: [] };
    if (batch.messages.length > 0) await storeMessages(tx, batch, result);
    if (batch.statuses.length > 0) {
      const statuses = { updated: result.updated, pending: result.pendingStatuses };
      await applyStatuses(tx, batch.orgId, batch.statuses, statuses);
      await keepPending(tx, batch.orgId, statuses.pending);
    }
    // The fan-out's reads ride on this transaction instead of opening another one after it. Messages created just
    // now cannot have reactions yet (a reaction in this batch targets an older message, which is in `updated`).
    if (result.created.length + result.updated.length + result.conversationIds.length > 0) {
      result.prefetched = await loadNotification(tx, batch.orgId, result.conversationIds, result.updated);
    }
    return result;
  });
}

async function storeMessages(tx: Tx, batch: OrgEvents, result: StoreResult) {
  const orgId = batch.orgId;
  // 0. A redelivered webhook (Meta retries, our own retries) changes nothing: its messages are left out before any
  // conversation is looked up, so one whose conversation was resolved meanwhile does not open a new, empty one.
  const events = await newEvents(tx, orgId, batch.messages);
  if (events.length === 0) return;
  // 1. Contacts: one upsert for every sender in the batch; the profile name follows what WhatsApp shows. A number
  // merged into another contact (and owned by none) reaches that contact through its alias instead.
  const senders = new Map<string, string | undefined>();
  for (const e of events) senders.set(e.contact.waId, e.contact.profileName ?? senders.get(e.contact.waId));
  const contactByWaId = await contactsByAlias(tx, orgId, [...senders.keys()]);
  for (const waId of contactByWaId.keys()) senders.delete(waId);
  const contactRows =
    senders.size === 0
      ? []
      : await tx
          .insert(contacts)
          .values(
            [...senders].map(([waId, profileName]) => ({
              organizationId: orgId,
              waId,
              phoneE164: /^\d{6,15}$/.test(waId) ? `+${waId}` : null,
              name: profileName ?? null,
              profileName: profileName ?? null,
            })),
          )
          .onConflictDoUpdate({
            target: [contacts.organizationId, contacts.waId],
            set: {
              profileName: sql`coalesce(excluded.profile_name, ${contacts.profileName})`,
              name: sql`coalesce(${contacts.name}, excluded.name)`,
              deletedAt: null,
              updatedAt: new Date(),
            },
          })
          .returning({ id: contacts.id, waId: contacts.waId });
  for (const r of contactRows) contactByWaId.set(r.waId!, r.id);

  // 2. Conversations: open one per (channel, contact) unless an unresolved one exists (partial unique index).
  const pairs = new Map<string, { channelId: string; contactId: string }>();
  for (const e of events) {
    const channelId = batch.channelByPhone.get(e.phoneNumberId)!;
    const contactId = contactByWaId.get(e.contact.waId)!;
    pairs.set(`${channelId}|${contactId}`, { channelId, contactId });
  }
  await tx
    .insert(conversations)
    .values([...pairs.values()].map((p) => ({ organizationId: orgId, ...p })))
    .onConflictDoNothing({
      target: [conversations.organizationId, conversations.channelId, conversations.contactId],
      where: sql`status <> 'resolved' and deleted_at is null`,
    });
  const convRows = await tx
    .select({ id: conversations.id, channelId: conversations.channelId, contactId: conversations.contactId })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        inArray(conversations.contactId, [...new Set([...pairs.values()].map((p) => p.contactId))]),
        sql`${conversations.status} <> 'resolved' and ${conversations.deletedAt} is null`,
      ),
    );
  const convByPair = new Map(convRows.map((r) => [`${r.channelId}|${r.contactId}`, r.id]));
  const conversationOf = (e: MessageEvent) =>
    convByPair.get(`${batch.channelByPhone.get(e.phoneNumberId)}|${contactByWaId.get(e.contact.waId)}`)!;

  // 3. Quoted messages and reaction targets we already have.
  const referenced = new Set<string>();
  for (const e of events) {
    if (e.message.replyToProviderId) referenced.add(e.message.replyToProviderId);
    if (e.message.reaction) referenced.add(e.message.reaction.targetProviderId);
  }
  const known = referenced.size
    ? await tx
        .select({ id: messages.id, providerMessageId: messages.providerMessageId, conversationId: messages.conversationId })
        .from(messages)
        .where(and(eq(messages.organizationId, orgId), inArray(messages.providerMessageId, [...referenced])))
    : [];
  const byProviderId = new Map(known.map((k) => [k.providerMessageId!, k]));

  // 4. Reactions to messages we have change that message; others are kept as messages so none is lost.
  const reactions = events.filter((e) => e.message.reaction && byProviderId.has(e.message.reaction.targetProviderId));
  const toInsert = events.filter((e) => !reactions.includes(e));
  for (const e of reactions) {
    const target = byProviderId.get(e.message.reaction!.targetProviderId)!;
    const contactId = contactByWaId.get(e.contact.waId)!;
    const emoji = e.message.reaction!.emoji;
    if (emoji) {
      await tx
        .insert(messageReactions)
        .values({ organizationId: orgId, messageId: target.id, contactId, emoji, providerMessageId: e.message.providerMessageId })
        .onConflictDoUpdate({
          target: [messageReactions.messageId, messageReactions.contactId],
          targetWhere: sql`contact_id is not null`,
          set: { emoji, providerMessageId: e.message.providerMessageId, updatedAt: new Date() },
        });
    } else {
      await tx
        .delete(messageReactions)
        .where(and(eq(messageReactions.messageId, target.id), eq(messageReactions.contactId, contactId)));
    }
    const [touched] = await tx.update(messages).set({ updatedAt: new Date() }).where(eq(messages.id, target.id)).returning(messageColumns);
    if (touched) result.updated.push(touched);
  }

  // 5. Messages: inserted once; a redelivered webhook conflicts on the wamid and changes nothing.
  if (toInsert.length > 0) {
    const created = await tx
      .insert(messages)
      .values(
        toInsert.map((e) => {
          const m = e.message;
          return {
            organizationId: orgId,
            conversationId: conversationOf(e),
            direction: 'inbound' as const,
            kind: m.kind,
            body: m.body,
            payload: { ...m.payload, providerType: m.providerType, ...(m.media ? { media: m.media } : {}), ...(m.referral ? { referral: m.referral } : {}), ...(m.errors ? { errors: m.errors } : {}) },
            mediaStatus: m.media ? ('pending' as const) : ('none' as const),
            mediaMime: m.media?.mimeType ?? null,
            mediaFilename: m.media?.filename ?? null,
            providerMessageId: m.providerMessageId,
            replyToProviderId: m.replyToProviderId ?? null,
            replyToMessageId: m.replyToProviderId ? (byProviderId.get(m.replyToProviderId)?.id ?? null) : null,
            status: 'received' as const,
            errorCode: m.errors?.[0]?.code ?? null,
            errorTitle: m.errors?.[0]?.title ?? null,
            providerTimestamp: m.timestamp,
          };
        }),
      )
      .onConflictDoNothing({
        target: [messages.organizationId, messages.providerMessageId],
        where: sql`provider_message_id is not null`,
      })
      .returning(messageColumns);
    await linkRepliesAndTouch(tx, orgId, created);
    result.created.push(...created);
    result.conversationIds.push(...new Set(created.map((m) => m.conversationId)));
  }
}

/** The events whose wamid is not stored yet (reactions kept as messages have one too). */
async function newEvents(tx: Tx, orgId: string, events: MessageEvent[]): Promise<MessageEvent[]> {
  const wamids = [...new Set(events.map((e) => e.message.providerMessageId))];
  const stored = await tx
    .select({ wamid: messages.providerMessageId })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), inArray(messages.providerMessageId, wamids)));
  const known = new Set(stored.map((r) => r.wamid));
  return events.filter((e) => !known.has(e.message.providerMessageId));
}

/**
 * After the insert, one statement per batch does two things: links quoted replies (linkReplies) and moves the
 * conversations' list fields forward (touchConversations, as a data-modifying CTE — always run to completion).
 */
async function linkRepliesAndTouch(tx: Tx, orgId: string, created: Message[]) {
  if (created.length === 0) return;
  const linked = await tx.execute<{ id: string; reply_to_message_id: string }>(
    sql`with touched as (${touchConversations(orgId, created)}) ${linkReplies(orgId, created)}`,
  );
  const byId = new Map(linked.rows.map((r) => [r.id, r.reply_to_message_id]));
  for (const m of created) if (byId.has(m.id)) m.replyToMessageId = byId.get(m.id)!;
}

/**
 * Links quoted replies to the local copy of the quoted message, whichever arrived first: a reply and its quote may
 * come in one batch, or the reply before the quote. Written as the two directions so that each can use an index (the
 * new replies by primary key → their quotes by the (organization_id, provider_message_id) unique index; the new
 * messages by primary key → earlier unlinked replies to them) instead of joining the organisation's whole history.
 */
function linkReplies(orgId: string, created: Message[]) {
  const ids = sql.join(created.map((m) => sql`${m.id}::uuid`), sql`, `);
  const replies = created.filter((m) => m.replyToProviderId && !m.replyToMessageId);
  const replyIds = sql.join(replies.map((m) => sql`${m.id}::uuid`), sql`, `);
  const newReplies = replies.length
    ? sql`select r.id as reply_id, q.id as quoted_id
            from messages r
            join messages q on q.organization_id = ${orgId} and q.provider_message_id = r.reply_to_provider_id
           where r.organization_id = ${orgId} and r.id in (${replyIds}) and r.reply_to_message_id is null
          union `
    : sql``;
  return sql`
    update messages m set reply_to_message_id = l.quoted_id
      from (${newReplies}select r.id as reply_id, q.id as quoted_id
              from messages q
              join messages r on r.organization_id = ${orgId} and r.reply_to_provider_id = q.provider_message_id
                             and r.reply_to_provider_id is not null and r.reply_to_message_id is null
             where q.organization_id = ${orgId} and q.id in (${ids}) and q.provider_message_id is not null) l
     where m.id = l.reply_id and m.organization_id = ${orgId} and m.reply_to_message_id is null
    returning m.id, m.reply_to_message_id`;
}

/**
 * Last message, 24 h window, unread count and snooze, per conversation that received new messages: one UPDATE …
 * FROM (VALUES …) for the whole batch (rows in id order, so concurrent consumers lock them in the same order).
 */
function touchConversations(orgId: string, created: Message[]) {
  const byConversation = new Map<string, Message[]>();
  for (const m of created) {
    const list = byConversation.get(m.conversationId) ?? [];
    list.push(m);
    byConversation.set(m.conversationId, list);
  }
  const at = (m: Message) => messageTime(m).getTime();
  const rows = [...byConversation]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([conversationId, list]) => {
      // The latest by WhatsApp's time; of two in the same second, the one that came later (ids grow with arrival).
      const latest = list.reduce((a, b) => (at(b) > at(a) || (at(b) === at(a) && b.id > a.id) ? b : a));
      const first = Math.min(...list.map(at));
      return sql`(${conversationId}::uuid, ${messageTime(latest).toISOString()}::timestamptz, ${previewText(latest.kind, latest.body)}::text, ${list.length}::int, ${new Date(first).toISOString()}::timestamptz)`;
    });
  return sql`
    update conversations c set
           last_inbound_at = greatest(c.last_inbound_at, v.at),
           last_message_at = greatest(c.last_message_at, v.at),
           -- Only forward in message time: an older message arriving late keeps the newer preview.
           last_message_preview = case when c.last_message_at is null or v.at >= c.last_message_at then v.preview else c.last_message_preview end,
           -- Waiting for an answer since the oldest customer message after the last reply.
           waiting_since = coalesce(c.waiting_since, v.first_at),
           unread_count = c.unread_count + v.n,
           -- A customer writing again wakes a snoozed conversation.
           status = case when c.status = 'snoozed' then 'open'::conversation_status else c.status end,
           snoozed_until = null,
           updated_at = ${new Date().toISOString()}::timestamptz
      from (values ${sql.join(rows, sql`, `)}) as v(id, at, preview, n, first_at)
     where c.organization_id = ${orgId} and c.id = v.id`;
}
