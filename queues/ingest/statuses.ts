// Delivery statuses: applied to our outbound messages, forward only (sent → delivered → read; failed and deleted as
// Meta rules). A status for a wamid we have not recorded yet (it overtook its send) waits in pending_statuses and is
// applied when the outbound consumer records that wamid — in the same transaction, so none is lost in between.
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { messages, pendingStatuses, type Message } from '../../worker/db/schema';
import type { Tx } from '../../worker/db/tx';
import { shouldApplyStatus, type StatusEvent, type TrackedStatus } from '../meta/normalise';
import { messageColumnList, messageFromRow, nullMessageColumns } from './rows';

export interface StatusResult {
  updated: Message[];
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

/**
 * One statement for a batch's statuses: our outbound messages moved forward only, our own reactions that failed
 * withdrawn, and statuses for wamids we don't have yet kept in pending_statuses (`keep`, as ingest does).
 */
export async function applyStatuses(tx: Tx, orgId: string, statuses: StatusEvent[], result: StatusResult, keep = true): Promise<void> {
  if (statuses.length === 0) return;
  const patches = [...outcomes(statuses)].map(([wamid, byStart]) => ({ wamid, by_start: byStart }));
  const events = statuses.map((s) => ({ wamid: s.providerMessageId, status: s.status, event: s }));
  // The patch for the row's own status, read inside the SET so that it follows the version of the row locked.
  const field = (key: keyof Patch, type: string) => sql.raw(`(p.by_start -> m.status::text ->> '${key}')::${type}`);
  const rows = await tx.execute<Record<string, unknown>>(sql`
    with p as (select * from jsonb_to_recordset(${JSON.stringify(patches)}::jsonb) as p(wamid text, by_start jsonb)),
    s as (select * from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as s(wamid text, status text, event jsonb)),
    known as (select provider_message_id as wamid from messages where organization_id = ${orgId} and provider_message_id in (select wamid from p)),
    ours as (
      select r.id, r.provider_message_id as wamid from message_reactions r
       where r.organization_id = ${orgId} and r.provider_message_id in (select wamid from p except select wamid from known)
    ),
    moved as (
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
        from p
       where m.organization_id = ${orgId} and m.provider_message_id = p.wamid and m.direction = 'outbound'
         and m.deleted_at is null and p.by_start ? m.status::text
      returning ${messageColumnList('m')}
    ),
    withdrawn as (
      delete from message_reactions r using ours o
       where r.id = o.id and exists (select 1 from s where s.wamid = o.wamid and s.status = 'failed')
      returning r.message_id
    ),
    retouched as (
      update messages m set updated_at = now()
       where m.organization_id = ${orgId} and m.id in (select message_id from withdrawn) and m.id not in (select id from moved)
      returning ${messageColumnList('m')}
    ),
    unmatched as (select * from s where s.wamid not in (select wamid from known union all select wamid from ours)),
    kept as (
      insert into pending_statuses (organization_id, provider_message_id, status, event)
      select ${orgId}, wamid, status, event from unmatched where ${keep}
      on conflict do nothing
    )
    select 'updated' as tag, * from moved
    union all select 'updated', * from retouched
    union all select 'pending', ${nullMessageColumns({ provider_message_id: sql`wamid` })} from unmatched`);
  const unmatched = new Set<string>();
  for (const row of rows.rows) {
    if (row.tag === 'updated') result.updated.push(messageFromRow(row));
    else unmatched.add(row.provider_message_id as string);
  }
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
