// Customers' messages and reactions in one statement: what nearly all WhatsApp traffic is. Redeliveries left out,
// contacts upserted (or reached through an alias), conversations found or opened, messages inserted once (the wamid
// is the idempotency key), quoted replies linked both ways, reactions applied, and the conversations' list fields
// moved forward — the same rules as the general path in store.ts, as data-modifying CTEs in a single round trip,
// together with the share's delivery statuses (statuses.ts) and the changed messages' reactions for the fan-out.
// Batches with anything else (history, our own phone's messages, LID changes, survey answers) take that path.
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { executePrepared, type Tx } from '../../worker/db/tx';
import { isHistory, messagePayload, withinItsSecond } from './message-values';
import { messageColumnList, messageFromRow, nullMessageColumns } from './rows';
import { routeKey, touchFromV, type OrgEvents, type SealedEvent, type StoreResult } from './store';
import type { MessageEvent } from '../meta/normalise';
import { reactionsAfter, reactionsJson, readStatusRow, statusCtes, statusRows, type StatusResult } from './statuses';

/** True when every event of the share is a customer's live message on a channel without a survey. */
export function plainInbound(batch: OrgEvents): boolean {
  return !batch.surveys && batch.messages.every((e) => !e.fromMe && !e.contact.lid && !isHistory(e));
}

/**
 * `sealed` holds each event's id, sealed body and sealed preview (store.ts); the plaintext body travels beside it only
 * to be turned into the search document by Postgres, and is what the result carries.
 */
export async function storeInbound(tx: Tx, batch: OrgEvents, sealed: Map<MessageEvent, SealedEvent>, result: StoreResult): Promise<void> {
  const orgId = batch.orgId;
  const statuses = batch.statuses;
  const withStatuses = statuses.length > 0;
  const arrival = new Date();
  const seen = new Set<string>();
  const newConversation = new Map<string, string>();
  const plain = new Map<string, string | null>();
  const events = [];
  for (const e of batch.messages) {
    // The same wamid twice in one batch (a redelivery that caught up with the original) is one message.
    if (seen.has(e.message.providerMessageId)) continue;
    seen.add(e.message.providerMessageId);
    const m = e.message;
    const channelId = batch.channelByRoute.get(routeKey(e))!;
    const pair = `${channelId}|${e.contact.waId}`;
    if (!newConversation.has(pair)) newConversation.set(pair, uuidv7());
    const { id, body, preview } = sealed.get(e)!;
    plain.set(id, m.body ?? null);
    events.push({
      ord: events.length,
      id,
      conv_id: newConversation.get(pair),
      wamid: m.providerMessageId,
      wa_id: e.contact.waId,
      profile_name: e.contact.profileName ?? null,
      channel_id: channelId,
      kind: m.kind,
      body,
      search_text: m.body ?? null,
      payload: messagePayload(e),
      media_status: m.media ? 'pending' : 'none',
      media_mime: m.media?.mimeType ?? null,
      media_filename: m.media?.filename ?? null,
      reply_to: m.replyToProviderId ?? null,
      error_code: m.errors?.[0]?.code ?? null,
      error_title: m.errors?.[0]?.title ?? null,
      provider_ts: withinItsSecond(m.timestamp, arrival),
      preview,
      reaction_target: m.reaction?.targetProviderId ?? null,
      reaction_emoji: m.reaction ? m.reaction.emoji || '' : null,
    });
  }
  const at = sql`coalesce(i.provider_timestamp, i.created_at)`;
  const { rows } = await executePrepared<Record<string, unknown>>(tx, sql`
    with e as (
      select * from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(
        ord int, id uuid, conv_id uuid, wamid text, wa_id text, profile_name text, channel_id uuid, kind message_kind,
        body text, search_text text, payload jsonb, media_status media_status, media_mime text, media_filename text, reply_to text,
        error_code int, error_title text, provider_ts timestamptz, preview text, reaction_target text, reaction_emoji text)
    ),
    -- A redelivered webhook changes nothing: its messages are left out before any conversation is looked up, so one
    -- whose conversation was resolved meanwhile does not open a new, empty one.
    fresh as (
      select e.* from e
       where not exists (select 1 from messages m where m.organization_id = ${orgId} and m.provider_message_id = e.wamid)
    ),
    -- One row per sender; the profile name is the latest one WhatsApp showed in the batch.
    senders as (select distinct on (wa_id) wa_id, profile_name from fresh order by wa_id, profile_name is null, ord desc),
    -- A number merged into another contact (and owned by none) reaches that contact through its alias.
    aliased as (
      select a.wa_id, a.contact_id from contact_wa_aliases a
       where a.organization_id = ${orgId} and a.wa_id in (select wa_id from senders)
         and not exists (select 1 from contacts c where c.organization_id = ${orgId} and c.wa_id = a.wa_id)
    ),
    revived as (
      update contacts set deleted_at = null, updated_at = now()
       where organization_id = ${orgId} and id in (select contact_id from aliased) and deleted_at is not null
    ),
    upserted as (
      insert into contacts (organization_id, wa_id, phone_e164, name, profile_name)
      select ${orgId}, s.wa_id, case when s.wa_id ~ '^[0-9]{6,15}$' then '+' || s.wa_id end, s.profile_name, s.profile_name
        from senders s where s.wa_id not in (select wa_id from aliased)
      on conflict (organization_id, wa_id) do update set
             profile_name = coalesce(excluded.profile_name, contacts.profile_name),
             name = coalesce(contacts.name, excluded.name),
             deleted_at = null,
             updated_at = now()
      returning id, wa_id
    ),
    contact_of as (select wa_id, contact_id from aliased union all select wa_id, id from upserted),
    -- Quoted messages and reaction targets we already have.
    known as (
      select id, provider_message_id from messages
       where organization_id = ${orgId}
         and provider_message_id in (select reply_to from fresh where reply_to is not null
                                     union select reaction_target from fresh where reaction_target is not null)
    ),
    -- What becomes a message (a reaction to a message we have changes that message instead), per (channel, contact).
    to_store as (
      select f.*, c.contact_id, coalesce(f.provider_ts, now()) as at from fresh f join contact_of c using (wa_id)
       where not exists (select 1 from known k where k.provider_message_id = f.reaction_target)
    ),
    pairs as (
      select distinct on (f.channel_id, c.contact_id) f.channel_id, c.contact_id, f.conv_id
        from fresh f join contact_of c using (wa_id) order by f.channel_id, c.contact_id, f.ord
    ),
    -- A conversation opened here starts with its list fields set: the UPDATE below cannot see a row this statement
    -- inserted. Every message it gets now is a customer's, unread and waiting.
    opening as (
      select p.channel_id, p.contact_id, p.conv_id, max(t.at) as at, (array_agg(t.preview order by t.at desc, t.ord desc))[1] as preview,
             count(t.ord)::int as n, min(t.at) as first_at
        from pairs p left join to_store t on t.channel_id = p.channel_id and t.contact_id = p.contact_id
       group by p.channel_id, p.contact_id, p.conv_id
    ),
    -- One open conversation per (channel, contact): the partial unique index decides, as in the general path.
    opened as (
      insert into conversations (id, organization_id, channel_id, contact_id, last_message_at, last_message_preview,
                                 unread_count, waiting_since, last_inbound_at)
      select conv_id, ${orgId}, channel_id, contact_id, at, preview, n, first_at, at from opening
      on conflict (organization_id, channel_id, contact_id) where status <> 'resolved' and deleted_at is null do nothing
      returning id, channel_id, contact_id
    ),
    conv as (
      select id, channel_id, contact_id from opened
      union all
      select c.id, c.channel_id, c.contact_id from conversations c join pairs p using (channel_id, contact_id)
       where c.organization_id = ${orgId} and c.status <> 'resolved' and c.deleted_at is null
    ),
    placed as (
      select f.*, cv.id as conversation_id, co.contact_id
        from fresh f join contact_of co using (wa_id) join conv cv on cv.channel_id = f.channel_id and cv.contact_id = co.contact_id
    ),
    -- A reaction to a message we have changes that message (the contact's latest in the batch wins); others are kept
    -- as messages so none is lost.
    reacts as (
      select distinct on (k.id, p.contact_id) k.id as target_id, p.contact_id, p.reaction_emoji, p.wamid
        from placed p join known k on k.provider_message_id = p.reaction_target
       order by k.id, p.contact_id, p.ord desc
    ),
    -- The batch's delivery statuses ride here too (statuses.ts): one round trip for the whole share.
    ${withStatuses ? sql`${statusCtes(orgId, statuses, true, true)},` : sql``}
    react_set as (
      insert into message_reactions (organization_id, message_id, contact_id, emoji, provider_message_id)
      select ${orgId}, target_id, contact_id, reaction_emoji, wamid from reacts where reaction_emoji <> ''
      on conflict (message_id, contact_id) where contact_id is not null do update set
             emoji = excluded.emoji, provider_message_id = excluded.provider_message_id, updated_at = now()
    ),
    react_unset as (
      delete from message_reactions r using reacts x
       where x.reaction_emoji = '' and r.organization_id = ${orgId} and r.message_id = x.target_id and r.contact_id = x.contact_id
    ),
    react_touched as (
      update messages m set updated_at = now()
       where m.organization_id = ${orgId} and m.id in (select target_id from reacts)
         ${withStatuses ? sql`and m.id not in (select id from st_moved)` : sql``}
      returning ${messageColumnList('m')}
    ),
    ins as (
      insert into messages (id, organization_id, conversation_id, direction, kind, body, search_vector, payload, media_status, media_mime,
                            media_filename, provider_message_id, reply_to_provider_id, reply_to_message_id, status,
                            error_code, error_title, provider_timestamp)
      select p.id, ${orgId}, p.conversation_id, 'inbound', p.kind, p.body, public.conversa_fts(p.search_text), p.payload, p.media_status, p.media_mime,
             p.media_filename, p.wamid, p.reply_to, coalesce(q.id, b.id), 'received', p.error_code, p.error_title, p.provider_ts
        from placed p
        left join known q on q.provider_message_id = p.reply_to
        -- A reply and its quote in the same batch.
        left join fresh b on b.wamid = p.reply_to
       where not exists (select 1 from known k where k.provider_message_id = p.reaction_target)
       order by p.ord
      on conflict (organization_id, provider_message_id) where provider_message_id is not null do nothing
      returning ${messageColumnList()}
    ),
    -- Replies stored before the message they quote (it arrived later) are linked to it now.
    linked as (
      update messages r set reply_to_message_id = i.id
        from ins i
       where r.organization_id = ${orgId} and r.reply_to_provider_id = i.provider_message_id
         and r.reply_to_provider_id is not null and r.reply_to_message_id is null
    ),
    -- Every new message here is a customer's, live: unread and waiting for an answer.
    v(id, at, preview, n, first_waiting, last_in, answered, n_in) as (
      select i.conversation_id, max(${at}), (array_agg(p.preview order by ${at} desc, i.id desc))[1], count(*)::int,
             min(${at}), max(${at}), false, count(*)::int
        from ins i join placed p on p.id = i.id
       group by i.conversation_id
       order by i.conversation_id
    ),
    ${touchFromV(orgId)},
    -- The changed messages' reactions as this statement leaves them, so the fan-out reads none.
    ${reactionsAfter(orgId, withStatuses ? sql`select id from react_touched union all select id from st_moved union all select id from st_retouched` : sql`select id from react_touched`, { reacted: true, withdrawn: withStatuses })}
    select 'created' as tag, i.*, null::jsonb as reactions from ins i
    union all select 'updated', m.*, ${reactionsJson('m')} from react_touched m
    union all select 'opened', ${nullMessageColumns({ conversation_id: sql`o.id` })}, null from opened o
    -- Never expected: a message whose conversation was neither found nor opened (the transaction is undone, retried).
    union all select 'unplaced', ${nullMessageColumns({ provider_message_id: sql`f.wamid` })}, null from fresh f where not exists (select 1 from placed p where p.id = f.id)
    ${withStatuses ? sql`union all ${statusRows()}` : sql``}`);
  const unplaced = rows.filter((r) => r.tag === 'unplaced');
  if (unplaced.length) throw new Error(`ingest: ${unplaced.length} message(s) without a conversation; retried`);
  const created = rows.filter((r) => r.tag === 'created').map(messageFromRow);
  for (const m of created) m.body = plain.get(m.id) ?? null;
  result.created.push(...created);
  const st: StatusResult = { updated: result.updated, pending: [], reactions: (result.reactions ??= new Map()) };
  const unmatched = new Set<string>();
  for (const row of rows) readStatusRow(row, st, unmatched);
  result.pendingStatuses.push(...statuses.filter((s) => unmatched.has(s.providerMessageId)));
  result.conversationIds.push(...new Set(created.map((m) => m.conversationId)));
  const opened = rows.filter((r) => r.tag === 'opened').map((r) => r.conversation_id as string);
  if (opened.length) (result.openedConversationIds ??= []).push(...opened);
}
