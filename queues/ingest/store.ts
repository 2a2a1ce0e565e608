// Stores one organisation's share of an ingest batch in one transaction (RLS-scoped): contacts upserted,
// conversations found or opened, messages inserted once (the wamid is the idempotency key), reactions applied,
// statuses moved forward only. Returns what changed, for the realtime fan-out after commit.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../worker/db/client';
import { contacts, conversations, messageColumns, messageReactions, messages, type Message } from '../../worker/db/schema';
import { withOrg, type Tx } from '../../worker/db/tx';
import { contactsByAlias } from '../../worker/domain/contact-aliases';
import { shouldApplyStatus, type MessageEvent, type StatusEvent } from '../meta/normalise';
import { loadNotification, type Notification } from '../notify';

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
  /** Statuses for messages we don't have (yet): the outbound consumer may not have recorded the wamid. */
  unmatchedStatuses: StatusEvent[];
  /** What the rooms will be told, read in the same transaction (published only after commit). */
  prefetched?: Notification;
}

const PREVIEW_LABEL: Record<string, string> = {
  image: '📷 Imagem',
  audio: '🎤 Áudio',
  video: '🎬 Vídeo',
  document: '📄 Documento',
  sticker: 'Figurinha',
  location: '📍 Localização',
  contacts: '👤 Contato',
  reaction: 'Reação',
  unsupported: 'Mensagem não suportada',
};

export function previewOf(kind: string, body: string | null): string {
  const text = body?.trim() || PREVIEW_LABEL[kind] || '';
  return [...text].slice(0, 140).join('');
}

export async function storeOrgEvents(db: Db, batch: OrgEvents): Promise<StoreResult> {
  return withOrg(db, batch.orgId, async (tx) => {
    const result: StoreResult = { created: [], updated: [], conversationIds: [], unmatchedStatuses: [] };
    if (batch.messages.length > 0) await storeMessages(tx, batch, result);
    if (batch.statuses.length > 0) await applyStatuses(tx, batch.orgId, batch.statuses, result);
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
  // 1. Contacts: one upsert for every sender in the batch; the profile name follows what WhatsApp shows. A number
  // merged into another contact (and owned by none) reaches that contact through its alias instead.
  const senders = new Map<string, string | undefined>();
  for (const e of batch.messages) senders.set(e.contact.waId, e.contact.profileName ?? senders.get(e.contact.waId));
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
  for (const e of batch.messages) {
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
  for (const e of batch.messages) {
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
  const reactions = batch.messages.filter((e) => e.message.reaction && byProviderId.has(e.message.reaction.targetProviderId));
  const toInsert = batch.messages.filter((e) => !reactions.includes(e));
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
  const rows = [...byConversation]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([conversationId, list]) => {
      const latest = list.reduce((a, b) => ((a.providerTimestamp ?? a.createdAt) >= (b.providerTimestamp ?? b.createdAt) ? a : b));
      const at = latest.providerTimestamp ?? latest.createdAt;
      return sql`(${conversationId}::uuid, ${at.toISOString()}::timestamptz, ${previewOf(latest.kind, latest.body)}::text, ${list.length}::int)`;
    });
  return sql`
    update conversations c set
           last_inbound_at = greatest(c.last_inbound_at, v.at),
           last_message_at = greatest(c.last_message_at, v.at),
           last_message_preview = v.preview,
           unread_count = c.unread_count + v.n,
           -- A customer writing again wakes a snoozed conversation.
           status = case when c.status = 'snoozed' then 'open'::conversation_status else c.status end,
           snoozed_until = null,
           updated_at = ${new Date().toISOString()}::timestamptz
      from (values ${sql.join(rows, sql`, `)}) as v(id, at, preview, n)
     where c.organization_id = ${orgId} and c.id = v.id`;
}

const STATUS_TIME: Record<string, 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt'> = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
};

async function applyStatuses(tx: Tx, orgId: string, statuses: StatusEvent[], result: StoreResult) {
  const ids = [...new Set(statuses.map((s) => s.providerMessageId))];
  const rows = await tx
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), inArray(messages.providerMessageId, ids)))
    .for('update');
  const byProviderId = new Map(rows.map((r) => [r.providerMessageId!, r]));
  const reactionIds = await ourReactions(tx, orgId, ids.filter((id) => !byProviderId.has(id)));
  const changed = new Map<string, Partial<Message>>();
  const withdrawn = new Set<string>();
  // Oldest first, so a batch holding sent, delivered and read ends on read whatever order Meta used.
  for (const s of [...statuses].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())) {
    const row = byProviderId.get(s.providerMessageId);
    if (!row) {
      // Our reactions get a status too (only "sent", or "failed"): a failed one never reached the customer.
      const reaction = reactionIds.get(s.providerMessageId);
      if (!reaction) result.unmatchedStatuses.push(s);
      else if (s.status === 'failed') withdrawn.add(reaction.id);
      continue;
    }
    const patch = changed.get(row.id) ?? {};
    const current = (patch.deletedAt ? 'deleted' : (patch.status ?? row.status)) as Parameters<typeof shouldApplyStatus>[0];
    if (row.direction !== 'outbound' || !shouldApplyStatus(current, s.status)) continue;
    if (s.status === 'deleted') {
      patch.deletedAt = s.timestamp;
    } else {
      patch.status = s.status;
      patch[STATUS_TIME[s.status]!] = s.timestamp;
      if (s.status === 'read' && !row.deliveredAt && !patch.deliveredAt) patch.deliveredAt = s.timestamp;
      if (s.status === 'failed' && s.error) {
        patch.errorCode = s.error.code;
        patch.errorTitle = s.error.title;
        patch.errorDetail = s.error.details ?? s.error.message ?? null;
      }
    }
    changed.set(row.id, patch);
  }
  for (const [id, patch] of changed) {
    const [row] = await tx
      .update(messages)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(messages.organizationId, orgId), eq(messages.id, id)))
      .returning(messageColumns);
    if (row) result.updated.push(row);
  }
  if (withdrawn.size > 0) {
    const removed = await tx
      .delete(messageReactions)
      .where(and(eq(messageReactions.organizationId, orgId), inArray(messageReactions.id, [...withdrawn])))
      .returning({ messageId: messageReactions.messageId });
    const touched = removed.length
      ? await tx
          .update(messages)
          .set({ updatedAt: new Date() })
          .where(and(eq(messages.organizationId, orgId), inArray(messages.id, [...new Set(removed.map((r) => r.messageId))])))
          .returning(messageColumns)
      : [];
    result.updated.push(...touched.filter((m) => !result.updated.some((u) => u.id === m.id)));
  }
}

/** The business's own reactions among these wamids (statuses Meta sends for them are not messages of ours). */
async function ourReactions(tx: Tx, orgId: string, wamids: string[]) {
  if (wamids.length === 0) return new Map<string, { id: string }>();
  const rows = await tx
    .select({ id: messageReactions.id, wamid: messageReactions.providerMessageId })
    .from(messageReactions)
    .where(and(eq(messageReactions.organizationId, orgId), inArray(messageReactions.providerMessageId, wamids)));
  return new Map(rows.map((r) => [r.wamid!, { id: r.id }]));
}
