// Delivery statuses: applied to our outbound messages, forward only (sent → delivered → read; failed and deleted as
// Meta rules). A status for a wamid we have not recorded yet (it overtook its send) waits in pending_statuses and is
// applied when the outbound consumer records that wamid — in the same transaction, so none is lost in between.
import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { messages, pendingStatuses, type Message } from '../../worker/db/schema';
import { executePrepared, type Tx } from '../../worker/db/tx';
import { shouldApplyStatus, type StatusEvent, type TrackedStatus } from '../meta/normalise';
import { messageColumnList, messageFromRow, nullMessageColumns } from './rows';

export interface StatusResult {
  updated: Message[];
  /** The reactions of `updated` messages, as the statement left them. */
  reactions?: Map<string, ReactionRow[]>;
  /** Statuses for wamids we don't have (yet), now kept in pending_statuses. */
  pending: StatusEvent[];
}

const STATUS_TIME: Record<string, 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt'> = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
};

/** What a batch's statuses do to one message, for the status it has now (the states a status can still move). */
type Patch = Partial<Pick<Message, 'status' | 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt' | 'deletedAt' | 'errorCode' | 'errorTitle' | 'errorDetail'>> & {
  /** "read" applied with no delivery time in the batch: the delivery time, unless the message has one already. */
  readDelivered?: Date;
  /** A failure with its error: the error columns are written (even where Meta left a field out). */
  hasError?: true;
};
const FROM: TrackedStatus[] = ['queued', 'sent', 'failed', 'delivered', 'read'];

/**
 * Each wamid's statuses folded, oldest first, from every status its message may have when the UPDATE reaches it — so
 * the one statement picks the outcome from the row it locked, and a concurrent change (the send recorded meanwhile)
 * is never overwritten with an outcome computed from an older status.
 */
function outcomes(statuses: StatusEvent[]): Map<string, Record<string, Patch>> {
  const byWamid = new Map<string, StatusEvent[]>();
  for (const s of [...statuses].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())) {
    byWamid.set(s.providerMessageId, [...(byWamid.get(s.providerMessageId) ?? []), s]);
  }
  const result = new Map<string, Record<string, Patch>>();
  for (const [wamid, list] of byWamid) {
    const byStart: Record<string, Patch> = {};
    for (const start of FROM) {
      const patch: Patch = {};
      for (const s of list) {
        const current = patch.deletedAt ? 'deleted' : (patch.status ?? start);
        if (!shouldApplyStatus(current, s.status)) continue;
        if (s.status === 'deleted') {
          patch.deletedAt = s.timestamp;
          continue;
        }
        patch.status = s.status;
        patch[STATUS_TIME[s.status]!] = s.timestamp;
        if (s.status === 'read' && !patch.deliveredAt) patch.readDelivered ??= s.timestamp;
        if (s.status === 'failed' && s.error) {
          patch.hasError = true;
          patch.errorCode = s.error.code;
          patch.errorTitle = s.error.title;
          patch.errorDetail = s.error.details ?? s.error.message ?? null;
        }
      }
      if (Object.keys(patch).length) byStart[start] = patch;
    }
    result.set(wamid, byStart);
  }
  return result;
}

/** A reaction as the fan-out shows it (worker/realtime/notify.ts Notification). */
export type ReactionRow = { messageId: string; emoji: string; contactId: string | null; userId: string | null };

/**
 * The CTEs of a batch's statuses (named st_*): our outbound messages moved forward only, our own reactions that failed
 * withdrawn, and statuses for wamids we don't have yet kept in pending_statuses (`keep`, as ingest does). They stand
 * alone (applyStatuses) or ride in the ingest's one statement (inbound.ts), whose CTE `reacts` of reaction targets
 * (`reacted`) updates rows itself: those are left to it, as a row updated twice in one statement keeps one change only.
 */
export function statusCtes(orgId: string, statuses: StatusEvent[], keep: boolean, reacted: boolean): SQL {
  const patches = [...outcomes(statuses)].map(([wamid, byStart]) => ({ wamid, by_start: byStart }));
  const events = statuses.map((s) => ({ wamid: s.providerMessageId, status: s.status, event: s }));
  // The patch for the row's own status, read inside the SET so that it follows the version of the row locked.
  const field = (key: keyof Patch, type: string) => sql.raw(`(p.by_start -> m.status::text ->> '${key}')::${type}`);
  return sql`
    st_p as (select * from jsonb_to_recordset(${JSON.stringify(patches)}::jsonb) as p(wamid text, by_start jsonb)),
    st_s as (select * from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as s(wamid text, status text, event jsonb)),
    st_known as (select provider_message_id as wamid from messages where organization_id = ${orgId} and provider_message_id in (select wamid from st_p)),
    st_ours as (
      select r.id, r.provider_message_id as wamid from message_reactions r
       where r.organization_id = ${orgId} and r.provider_message_id in (select wamid from st_p except select wamid from st_known)
    ),
    st_moved as (
      update messages m set
             status = coalesce(${field('status', 'message_status')}, m.status),
             sent_at = coalesce(${field('sentAt', 'timestamptz')}, m.sent_at),
             delivered_at = coalesce(${field('deliveredAt', 'timestamptz')}, m.delivered_at, ${field('readDelivered', 'timestamptz')}),
             read_at = coalesce(${field('readAt', 'timestamptz')}, m.read_at),
             failed_at = coalesce(${field('failedAt', 'timestamptz')}, m.failed_at),
             deleted_at = coalesce(${field('deletedAt', 'timestamptz')}, m.deleted_at),
             error_code = case when p.by_start -> m.status::text ? 'hasError' then ${field('errorCode', 'int')} else m.error_code end,
             error_title = case when p.by_start -> m.status::text ? 'hasError' then ${field('errorTitle', 'text')} else m.error_title end,
             error_detail = case when p.by_start -> m.status::text ? 'hasError' then ${field('errorDetail', 'text')} else m.error_detail end,
             updated_at = now()
        from st_p p
       where m.organization_id = ${orgId} and m.provider_message_id = p.wamid and m.direction = 'outbound'
         and m.deleted_at is null and p.by_start ? m.status::text
      returning ${messageColumnList('m')}
    ),
    st_withdrawn as (
      delete from message_reactions r using st_ours o
       where r.id = o.id and exists (select 1 from st_s s where s.wamid = o.wamid and s.status = 'failed')
      returning r.id, r.message_id
    ),
    st_retouched as (
      update messages m set updated_at = now()
       where m.organization_id = ${orgId} and m.id in (select message_id from st_withdrawn) and m.id not in (select id from st_moved)
         ${reacted ? sql`and m.id not in (select target_id from reacts)` : sql``}
      returning ${messageColumnList('m')}
    ),
    st_unmatched as (select * from st_s s where s.wamid not in (select wamid from st_known union all select wamid from st_ours)),
    st_kept as (
      insert into pending_statuses (organization_id, provider_message_id, status, event)
      select ${orgId}, wamid, status, event from st_unmatched where ${keep}
      on conflict do nothing
    )`;
}

/** The statuses' rows for the statement's final UNION: tag, the message columns, and `reactions` (reactionsAfter). */
export function statusRows(): SQL {
  return sql`select 'updated' as tag, m.*, ${reactionsJson('m')} as reactions from st_moved m
    union all select 'updated', m.*, ${reactionsJson('m')} from st_retouched m
    union all select 'pending', ${nullMessageColumns({ provider_message_id: sql`wamid` })}, null from st_unmatched`;
}

/**
 * The CTE `after_reactions`: the reactions of the messages `ids` (a subquery) as this statement leaves them. A sibling
 * CTE cannot see another's changes, so what `reacts` (the batch's reactions, inbound.ts) and `st_withdrawn` change is
 * applied here — the fan-out then needs no read of its own.
 */
export function reactionsAfter(orgId: string, ids: SQL, o: { reacted: boolean; withdrawn: boolean }): SQL {
  return sql`after_reactions as (
      select r.message_id, r.emoji, r.contact_id, r.user_id from message_reactions r
       where r.organization_id = ${orgId} and r.message_id in (${ids})
         ${o.withdrawn ? sql`and r.id not in (select id from st_withdrawn)` : sql``}
         ${o.reacted ? sql`and not exists (select 1 from reacts x where x.target_id = r.message_id and x.contact_id = r.contact_id)` : sql``}
      ${o.reacted ? sql`union all select x.target_id, x.reaction_emoji, x.contact_id, null::uuid from reacts x where x.reaction_emoji <> '' and x.target_id in (${ids})` : sql``}
    )`;
}

/** A message row's reactions (from `after_reactions`) as one JSON array. */
export function reactionsJson(alias: string): SQL {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('messageId', a.message_id, 'emoji', a.emoji, 'contactId', a.contact_id, 'userId', a.user_id)), '[]'::jsonb)
                from after_reactions a where a.message_id = ${sql.identifier(alias)}.id)`;
}

/** Reads a statement's 'updated' and 'pending' rows into the result (reactions included: the fan-out reads none). */
export function readStatusRow(row: Record<string, unknown>, result: StatusResult, unmatched: Set<string>): void {
  if (row.tag === 'updated') {
    const m = messageFromRow(row);
    result.updated.push(m);
    (result.reactions ??= new Map()).set(m.id, (row.reactions as ReactionRow[] | null) ?? []);
  } else if (row.tag === 'pending') unmatched.add(row.provider_message_id as string);
}

/** One statement for a batch's statuses (see statusCtes). */
export async function applyStatuses(tx: Tx, orgId: string, statuses: StatusEvent[], result: StatusResult, keep = true): Promise<void> {
  if (statuses.length === 0) return;
  const rows = await executePrepared<Record<string, unknown>>(tx, sql`
    with ${statusCtes(orgId, statuses, keep, false)},
    ${reactionsAfter(orgId, sql`select id from st_moved union all select id from st_retouched`, { reacted: false, withdrawn: true })}
    ${statusRows()}`);
  const unmatched = new Set<string>();
  for (const row of rows.rows) readStatusRow(row, result, unmatched);
  result.pending.push(...statuses.filter((s) => unmatched.has(s.providerMessageId)));
}

/** Applies (and removes) the statuses that were waiting for these wamids. */
export async function applyPending(tx: Tx, orgId: string, wamids: string[]): Promise<Message[]> {
  if (wamids.length === 0) return [];
  const rows = await tx
    .delete(pendingStatuses)
    .where(and(eq(pendingStatuses.organizationId, orgId), inArray(pendingStatuses.providerMessageId, wamids)))
    .returning({ event: pendingStatuses.event });
  if (rows.length === 0) return [];
  const result: StatusResult = { updated: [], pending: [] };
  await applyStatuses(tx, orgId, rows.map((r) => revive(r.event as StatusEvent)), result, false);
  return result.updated;
}

/**
 * Pending statuses whose wamid was recorded after all (the record and the status committed at the same moment, so
 * neither saw the other), applied; those older than PENDING_TTL dropped. Run by the every-minute job, per tenant.
 */
export async function settlePending(tx: Tx, orgId: string, olderThan: Date): Promise<{ applied: Message[]; expired: number }> {
  const found = await tx
    .select({ wamid: pendingStatuses.providerMessageId })
    .from(pendingStatuses)
    .innerJoin(messages, and(eq(messages.organizationId, orgId), eq(messages.providerMessageId, pendingStatuses.providerMessageId)))
    .where(eq(pendingStatuses.organizationId, orgId));
  const applied = await applyPending(tx, orgId, [...new Set(found.map((f) => f.wamid))]);
  const expired = await tx
    .delete(pendingStatuses)
    .where(and(eq(pendingStatuses.organizationId, orgId), lt(pendingStatuses.createdAt, olderThan)))
    .returning({ wamid: pendingStatuses.providerMessageId });
  return { applied, expired: expired.length };
}

/** JSON turned the timestamps into strings. */
function revive(e: StatusEvent): StatusEvent {
  return { ...e, timestamp: new Date(e.timestamp) };
}

/** Organisations with statuses waiting (read as the system: the job then works inside each tenant's RLS). */
export async function orgsWithPendingStatuses(tx: Tx): Promise<string[]> {
  const rows = await tx.selectDistinct({ orgId: pendingStatuses.organizationId }).from(pendingStatuses);
  return rows.map((r) => r.orgId);
}
