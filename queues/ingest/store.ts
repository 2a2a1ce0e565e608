// Stores one organisation's share of an ingest batch in one transaction (RLS-scoped): contacts upserted,
// conversations found or opened, messages inserted once (the wamid is the idempotency key), reactions applied,
// statuses moved forward only. Returns what changed, for the realtime fan-out after commit.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../worker/db/client';
import { contacts, conversations, messageColumns, messageReactions, messages, type Message } from '../../worker/db/schema';
import { withOrg, type Tx } from '../../worker/db/tx';
import { contactsByAlias, recordWaAlias } from '../../worker/domain/contact-aliases';
import { messageTime } from '../../worker/domain/dto';
import type { RevokedEvent } from '../evolution/normalise';
import type { MessageEvent, StatusEvent } from '../meta/normalise';
import { isSurveyAnswer, openSurveys, recordAnswers, surveyAnswers, type AnswerKind } from '../../worker/service-desk/csat';
import { loadNotification, type Notification } from '../../worker/realtime/notify';
import { applyStatuses, type ReactionRow } from './statuses';
import { checkRoutes, ORG_CHANNELS_SQL, type Route } from './routes';
import { plainInbound, storeInbound } from './inbound';
import { eventPreview, isHistory, messagePayload, withinItsSecond } from './message-values';
import { contentCrypto, messageContext, openMessageBodies, openPreviews, previewContext, searchDocument, type ContentCrypto } from '../../worker/domain/content-crypto';
import { v7 as uuidv7 } from 'uuid';

export interface OrgEvents {
  orgId: string;
  /** Route (`phone:<phone_number_id>` for Meta, `channel:<id>` for Evolution) → channel id, for this batch's channels. */
  channelByRoute: Map<string, string>;
  messages: MessageEvent[];
  statuses: StatusEvent[];
  /** Evolution: messages their sender deleted for everyone. */
  revoked?: RevokedEvent[];
  /** A channel of this batch asks the satisfaction survey: customers' messages may be answers to it. */
  surveys?: boolean;
}

/** The route of an event: Meta names its number, Evolution comes on its channel's URL. */
export const routeKey = (e: { phoneNumberId?: string; channelId?: string }) => (e.channelId ? `channel:${e.channelId}` : `phone:${e.phoneNumberId}`);

export interface StoreResult {
  created: Message[];
  updated: Message[];
  /** Conversations whose list entry changed (new message, unread count, reopened). */
  conversationIds: string[];
  /** Statuses for messages we don't have (yet), kept in pending_statuses until the send's wamid is recorded. */
  pendingStatuses: StatusEvent[];
  /** Reactions of `updated` messages as the store's statements left them (the rest are read by loadNotification). */
  reactions?: Map<string, ReactionRow[]>;
  /** What the rooms will be told, read in the same transaction (published only after commit). */
  prefetched?: Notification;
  /** Conversations this batch opened (not found open already). */
  openedConversationIds?: string[];
  /** The share's channels' settings as this transaction read them (routes.ts): what runs after commit follows them. */
  settings?: { automated: boolean; webhooks: boolean };
}

/**
 * `secret` is ENCRYPTION_MASTER_KEYS: bodies and previews are sealed with the organisation's data key (issue 21 §4),
 * which is looked up (or created, committed) before the transaction opens — cached per isolate, so no round trip here.
 * What the result carries is plaintext: the fan-out and outgoing webhooks are built from it.
 */
export async function storeOrgEvents(db: Db, batch: OrgEvents, secret: string | undefined): Promise<StoreResult> {
  const crypto = contentCrypto(db, secret, batch.orgId);
  if (batch.messages.length > 0) await crypto.activeKeyId();
  return withOrg(db, batch.orgId, async (tx, channels) => {
    // The routes were a guess until now (routes.ts): nothing is stored for a channel no longer active here.
    const { surveys, ...settings } = checkRoutes(batch.channelByRoute.keys(), (key) => batch.channelByRoute.get(key), channels as Route[]);
    batch.surveys = surveys;
    const result: StoreResult = { created: [], updated: [], conversationIds: [], pendingStatuses: [], settings };
    // The common share (customers' messages, statuses) is one statement; anything else takes the general path.
    const inOne = batch.messages.length > 0 && plainInbound(batch) && !batch.revoked?.length;
    if (inOne) {
      await storeInbound(tx, batch, await sealEvents(crypto, batch.orgId, batch.messages), result);
    } else {
      if (batch.messages.length > 0) await storeMessages(tx, batch, await sealEvents(crypto, batch.orgId, batch.messages), crypto, result);
      if (batch.revoked?.length) await revokeMessages(tx, batch.orgId, batch.revoked, result);
      if (batch.statuses.length > 0) {
        await applyStatuses(tx, batch.orgId, batch.statuses, { updated: result.updated, pending: result.pendingStatuses, reactions: (result.reactions ??= new Map()) });
      }
    }
    // Messages read back (reaction targets, status changes) carry their stored ciphertext.
    await openMessageBodies(crypto, result.updated);
    // The fan-out's reads ride on this transaction instead of opening another one after it. Messages created just
    // now cannot have reactions yet (a reaction in this batch targets an older message, which is in `updated`).
    if (result.created.length + result.updated.length + result.conversationIds.length > 0) {
      // Reactions the statements returned are not read again.
      const known = result.reactions ?? new Map<string, ReactionRow[]>();
      result.prefetched = await loadNotification(tx, batch.orgId, result.conversationIds, result.updated.filter((m) => !known.has(m.id)));
      result.prefetched.reactions.push(...[...known.values()].flat());
      await openPreviews(crypto, batch.orgId, result.prefetched.summaries);
    }
    return result;
  }, { read: ORG_CHANNELS_SQL });
}

/** Each new message's id, sealed body and sealed preview, made before the transaction (the ciphertext is bound to the id). */
export interface SealedEvent {
  id: string;
  body: string | null;
  preview: string;
}

async function sealEvents(crypto: ContentCrypto, orgId: string, events: MessageEvent[]): Promise<Map<MessageEvent, SealedEvent>> {
  const sealed = await Promise.all(
    events.map(async (e) => {
      // Generated in arrival order, as the inserts always did (ids grow with arrival).
      const id = uuidv7();
      return {
        id,
        body: await crypto.sealOrNull(e.message.body, messageContext(id)),
        preview: await crypto.seal(eventPreview(e), previewContext(orgId)),
      };
    }),
  );
  return new Map(events.map((e, i) => [e, sealed[i]!]));
}

async function storeMessages(tx: Tx, batch: OrgEvents, sealed: Map<MessageEvent, SealedEvent>, crypto: ContentCrypto, result: StoreResult) {
  const orgId = batch.orgId;
  // 0. A redelivered webhook (Meta retries, our own retries) changes nothing: its messages are left out before any
  // conversation is looked up, so one whose conversation was resolved meanwhile does not open a new, empty one.
  const events = await newEvents(tx, orgId, batch.messages);
  if (events.length === 0) return;
  // 1. Contacts: one upsert for every sender in the batch; the profile name follows what WhatsApp shows. A number
  // merged into another contact (and owned by none) reaches that contact through its alias instead.
  await adoptLidContacts(tx, orgId, events);
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
  const pairs = new Map<string, { channelId: string; contactId: string; live: boolean }>();
  for (const e of events) {
    const channelId = batch.channelByRoute.get(routeKey(e))!;
    const contactId = contactByWaId.get(e.contact.waId)!;
    const key = `${channelId}|${contactId}`;
    // A chat seen only in a history sync (Evolution's messages.set) does not open a conversation in the inbox.
    const live = pairs.get(key)?.live || !isHistory(e);
    pairs.set(key, { channelId, contactId, live });
  }
  // Answers to a satisfaction survey go into the resolved conversation they rate instead of opening a new one.
  const keyOf = (e: MessageEvent) => `${batch.channelByRoute.get(routeKey(e))}|${contactByWaId.get(e.contact.waId)}`;
  const surveyed = batch.surveys ? await routeSurveyAnswers(tx, orgId, events, keyOf, pairs) : new Map<MessageEvent, SurveyAnswer>();
  const livePairs = [...pairs.values()].filter((p) => p.live);
  if (livePairs.length) {
    const opened = await tx
      .insert(conversations)
      .values(livePairs.map(({ channelId, contactId }) => ({ organizationId: orgId, channelId, contactId })))
      .onConflictDoNothing({
        target: [conversations.organizationId, conversations.channelId, conversations.contactId],
        where: sql`status <> 'resolved' and deleted_at is null`,
      })
      .returning({ id: conversations.id });
    // Outgoing webhooks say conversation.created for these (worker/webhooks-out/ingest-events.ts).
    (result.openedConversationIds ??= []).push(...opened.map((r) => r.id));
  }
  // Every message of the batch answered a survey: no conversation to look up.
  const convRows =
    pairs.size === 0
      ? []
      : await tx
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
  await historyConversations(tx, orgId, [...pairs.values()].filter((p) => !convByPair.has(`${p.channelId}|${p.contactId}`)), convByPair);
  const conversationOf = (e: MessageEvent) => surveyed.get(e)?.conversationId ?? convByPair.get(keyOf(e))!;

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
  // Reactions from the business's own phone (Evolution) have no reactor we keep: neither a contact nor an agent.
  const ownReactions = events.filter((e) => e.fromMe && e.message.reaction);
  // Our own sends echoed back by Evolution before their id was recorded: the queued message takes the id instead.
  const adopted = await adoptEchoes(tx, orgId, events.filter((e) => e.fromMe && !e.message.reaction), conversationOf, crypto);
  const toInsert = events.filter((e) => !reactions.includes(e) && !ownReactions.includes(e) && !adopted.has(e));
  for (const e of reactions) {
    if (e.fromMe) continue;
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
  const arrival = new Date();
  if (toInsert.length > 0) {
    const created = await tx
      .insert(messages)
      .values(
        toInsert.map((e) => {
          const m = e.message;
          return {
            id: sealed.get(e)!.id,
            organizationId: orgId,
            conversationId: conversationOf(e),
            direction: e.fromMe ? ('outbound' as const) : ('inbound' as const),
            kind: m.kind,
            body: sealed.get(e)!.body,
            searchVector: searchDocument(m.body),
            // The customer's answer to the survey (recorded already): the service desk replies to it after commit.
            payload: messagePayload(e, surveyed.get(e)?.kind ? { csat: surveyed.get(e)!.kind } : {}),
            mediaStatus: m.media ? ('pending' as const) : ('none' as const),
            mediaMime: m.media?.mimeType ?? null,
            mediaFilename: m.media?.filename ?? null,
            providerMessageId: m.providerMessageId,
            replyToProviderId: m.replyToProviderId ?? null,
            replyToMessageId: m.replyToProviderId ? (byProviderId.get(m.replyToProviderId)?.id ?? null) : null,
            // Typed on the business's phone: already sent; its delivery statuses follow as for ours.
            status: e.fromMe ? ('sent' as const) : ('received' as const),
            ...(e.fromMe && { sentAt: m.timestamp }),
            errorCode: m.errors?.[0]?.code ?? null,
            errorTitle: m.errors?.[0]?.title ?? null,
            providerTimestamp: withinItsSecond(m.timestamp, arrival),
          };
        }),
      )
      .onConflictDoNothing({
        target: [messages.organizationId, messages.providerMessageId],
        where: sql`provider_message_id is not null`,
      })
      .returning(messageColumns);
    // What the fan-out, webhooks and the service desk see is the plaintext we had; previews go in sealed.
    const byId = new Map(toInsert.map((e) => [sealed.get(e)!.id, e]));
    for (const m of created) m.body = byId.get(m.id)!.message.body ?? null;
    await linkRepliesAndTouch(tx, orgId, created, (m) => sealed.get(byId.get(m.id)!)!.preview);
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
async function linkRepliesAndTouch(tx: Tx, orgId: string, created: Message[], previewOf: (m: Message) => string) {
  if (created.length === 0) return;
  const linked = await tx.execute<{ id: string; reply_to_message_id: string }>(
    sql`with ${touchConversations(orgId, created, previewOf)} ${linkReplies(orgId, created)}`,
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
 * FROM (VALUES …) for the whole batch, as the CTEs `v`, `readers` and `touched` (so the caller puts them at the top) (rows in id order, so concurrent consumers lock them in the same order).
 */
function touchConversations(orgId: string, created: Message[], previewOf: (m: Message) => string) {
  const byConversation = new Map<string, Message[]>();
  for (const m of created) {
    const list = byConversation.get(m.conversationId) ?? [];
    list.push(m);
    byConversation.set(m.conversationId, list);
  }
  const at = (m: Message) => messageTime(m).getTime();
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  const rows = [...byConversation]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([conversationId, list]) => {
      // The latest by WhatsApp's time; of two in the same second, the one that came later (ids grow with arrival).
      const latest = list.reduce((a, b) => (at(b) > at(a) || (at(b) === at(a) && b.id > a.id) ? b : a));
      // History (a sync of old chats) moves the list entry but is neither unread nor waiting for an answer.
      const live = list.filter((m) => !(m.payload as { history?: boolean } | null)?.history);
      // Survey answers keep the 24-hour window open but wait for nobody: not unread, not waiting.
      const lastIn = live.filter((m) => m.direction === 'inbound').map(at);
      const inbound = live.filter((m) => m.direction === 'inbound' && !isSurveyAnswer(m)).map(at);
      const outbound = live.filter((m) => m.direction === 'outbound').map(at);
      const lastOut = outbound.length ? Math.max(...outbound) : undefined;
      // Written from the business's phone (Evolution): customer messages before it are answered.
      const waiting = inbound.filter((t) => lastOut === undefined || t > lastOut);
      return sql`(${conversationId}::uuid, ${messageTime(latest).toISOString()}::timestamptz, ${previewOf(latest)}::text,
        ${waiting.length}::int, ${iso(waiting.length ? Math.min(...waiting) : undefined)}::timestamptz,
        ${iso(lastIn.length ? Math.max(...lastIn) : undefined)}::timestamptz, ${lastOut !== undefined}::boolean, ${inbound.length}::int)`;
    });
  return sql`v(id, at, preview, n, first_waiting, last_in, answered, n_in) as (values ${sql.join(rows, sql`, `)}), ${touchFromV(orgId)}`;
}

/**
 * The CTEs `readers` and `touched` that move conversations forward from a CTE `v(id, at, preview, n, first_waiting,
 * last_in, answered, n_in)` defined before them: one row per conversation with new messages (n: unread added,
 * answered: the business wrote after them, n_in: customer messages that wake a snoozed or pending conversation).
 */
export function touchFromV(orgId: string) {
  // Members who opened a conversation keep their own count (conversation_reads), moved the same way in this statement.
  return sql`
    readers as (
      update conversation_reads r set unread_count = case when v.answered then v.n else r.unread_count + v.n end
        from v
       where r.organization_id = ${orgId} and r.conversation_id = v.id and (v.n > 0 or v.answered)
    ),
    touched as (
    update conversations c set
           last_inbound_at = greatest(c.last_inbound_at, v.last_in),
           last_message_at = greatest(c.last_message_at, v.at),
           -- Only forward in message time: an older message arriving late keeps the newer preview.
           last_message_preview = case when c.last_message_at is null or v.at >= c.last_message_at then v.preview else c.last_message_preview end,
           -- Waiting for an answer since the oldest customer message after the last reply.
           waiting_since = case when v.answered then v.first_waiting else coalesce(c.waiting_since, v.first_waiting) end,
           unread_count = case when v.answered then v.n else c.unread_count + v.n end,
           -- A customer writing again wakes a snoozed conversation, and answers a pending one (waiting for them).
           status = case when c.status in ('snoozed', 'pending') and v.n_in > 0 then 'open'::conversation_status else c.status end,
           snoozed_until = case when v.n_in > 0 then null else c.snoozed_until end,
           updated_at = ${new Date().toISOString()}::timestamptz
      from v
     where c.organization_id = ${orgId} and c.id = v.id)`;
}

interface SurveyAnswer {
  conversationId: string;
  /** null: kept with the survey without answering it (our own echoes, reactions). */
  kind: AnswerKind | null;
}

/**
 * The contacts in this batch who are answering a satisfaction survey on this channel: their answers (the rating, then
 * one comment) are recorded and routed to the survey's resolved conversation; a message that answers nothing ends the
 * survey and opens a conversation as usual. A pair whose every message is an answer opens nothing (removed from `pairs`).
 */
async function routeSurveyAnswers(
  tx: Tx,
  orgId: string,
  events: MessageEvent[],
  keyOf: (e: MessageEvent) => string,
  pairs: Map<string, { channelId: string; contactId: string; live: boolean }>,
): Promise<Map<MessageEvent, SurveyAnswer>> {
  const routed = new Map<MessageEvent, SurveyAnswer>();
  const surveys = await openSurveys(tx, orgId, [...pairs.values()].filter((p) => p.live));
  for (const [key, survey] of surveys) {
    const turn = events
      .filter((e) => keyOf(e) === key && !isHistory(e))
      .map((e) => ({ e, aside: !!e.fromMe || !!e.message.reaction, reply: { kind: e.message.kind, body: e.message.body, payload: e.message.payload } }));
    const result = surveyAnswers(survey, turn);
    for (const [a, kind] of result.answers) routed.set(a.e, { conversationId: survey.conversationId, kind });
    await recordAnswers(tx, orgId, survey.id, result);
    if (result.answers.size === turn.length && !events.some((e) => keyOf(e) === key && isHistory(e))) pairs.delete(key);
  }
  return routed;
}


/**
 * Evolution: a customer known only by their LID (…@lid) whose phone number now appears takes that number, so their
 * conversation continues; when the number already has its own contact, the LID becomes an alias of it.
 */
async function adoptLidContacts(tx: Tx, orgId: string, events: MessageEvent[]) {
  const pairs = new Map<string, string>();
  for (const e of events) if (e.contact.lid) pairs.set(e.contact.lid, e.contact.waId);
  for (const [lid, waId] of pairs) {
    const [lidContact] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, lid)));
    if (!lidContact) continue;
    const [phoneContact] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, waId)));
    if (phoneContact) {
      await recordWaAlias(tx, orgId, lid, phoneContact.id);
      continue;
    }
    await tx
      .update(contacts)
      .set({ waId, phoneE164: /^\d{6,15}$/.test(waId) ? `+${waId}` : null, updatedAt: new Date() })
      .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, lidContact.id)));
    await recordWaAlias(tx, orgId, lid, lidContact.id);
  }
}

/** Chats seen only in a history sync: their latest conversation (resolved), or a new resolved one. */
async function historyConversations(
  tx: Tx,
  orgId: string,
  missing: { channelId: string; contactId: string }[],
  convByPair: Map<string, string>,
) {
  if (missing.length === 0) return;
  const existing = await tx
    .selectDistinctOn([conversations.channelId, conversations.contactId], { id: conversations.id, channelId: conversations.channelId, contactId: conversations.contactId })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        inArray(conversations.contactId, missing.map((p) => p.contactId)),
        sql`${conversations.deletedAt} is null`,
      ),
    )
    .orderBy(conversations.channelId, conversations.contactId, sql`${conversations.createdAt} desc`);
  for (const r of existing) convByPair.set(`${r.channelId}|${r.contactId}`, r.id);
  const fresh = missing.filter((p) => !convByPair.has(`${p.channelId}|${p.contactId}`));
  if (fresh.length === 0) return;
  const created = await tx
    .insert(conversations)
    .values(fresh.map((p) => ({ organizationId: orgId, ...p, status: 'resolved' as const, resolvedAt: new Date() })))
    .returning({ id: conversations.id, channelId: conversations.channelId, contactId: conversations.contactId });
  for (const r of created) convByPair.set(`${r.channelId}|${r.contactId}`, r.id);
}

/**
 * Evolution echoes our own API sends (messages.upsert fromMe, send.message), sometimes before the outbound consumer
 * has recorded the id Evolution answered with. Such an echo is the conversation's message being sent right now (leased,
 * no id yet, same text): that message takes the id, and the echo is not stored a second time.
 */
async function adoptEchoes(
  tx: Tx,
  orgId: string,
  echoes: MessageEvent[],
  conversationOf: (e: MessageEvent) => string,
  crypto: ContentCrypto,
): Promise<Set<MessageEvent>> {
  const adopted = new Set<MessageEvent>();
  const taken = new Set<string>();
  for (const e of echoes) {
    const conversationId = conversationOf(e);
    if (!conversationId) continue;
    // Bodies are sealed, so the text is compared here rather than in SQL; the candidates are few (being sent now).
    const candidates = await tx.execute<{ id: string; body: string | null }>(sql`
      select id, body from messages
       where organization_id = ${orgId} and conversation_id = ${conversationId} and direction = 'outbound'
         and provider_message_id is null and status = 'queued' and send_lease_until is not null and not is_private
       order by created_at limit 50 for update skip locked`).then((r) => r.rows);
    let match: string | undefined;
    for (const c of candidates) {
      if (taken.has(c.id)) continue;
      if (((await crypto.openOrNull(c.body, messageContext(c.id))) ?? '') === (e.message.body ?? '')) {
        match = c.id;
        break;
      }
    }
    if (!match) continue;
    await tx.execute(sql`update messages set provider_message_id = ${e.message.providerMessageId}, updated_at = now() where organization_id = ${orgId} and id = ${match}`);
    taken.add(match);
    adopted.add(e);
  }
  return adopted;
}

/** Deleted for everyone by their sender: the text and file go, a marker stays in the chat. */
async function revokeMessages(tx: Tx, orgId: string, revoked: RevokedEvent[], result: StoreResult) {
  const ids = [...new Set(revoked.map((r) => r.providerMessageId))];
  const rows = await tx
    .update(messages)
    .set({
      body: null,
      payload: sql`coalesce(${messages.payload}, '{}'::jsonb) - 'media' || jsonb_build_object('revoked', true, 'revokedAt', ${new Date().toISOString()}::text)`,
      updatedAt: new Date(),
    })
    .where(and(eq(messages.organizationId, orgId), inArray(messages.providerMessageId, ids)))
    .returning(messageColumns);
  result.updated.push(...rows);
}
