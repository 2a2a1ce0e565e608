// Delivery statuses: applied to our outbound messages, forward only (sent → delivered → read; failed and deleted as
// Meta rules). A status for a wamid we have not recorded yet (it overtook its send) waits in pending_statuses and is
// applied when the outbound consumer records that wamid — in the same transaction, so none is lost in between.
import { and, eq, inArray, lt } from 'drizzle-orm';
import { messageColumns, messageReactions, messages, pendingStatuses, type Message } from '../../worker/db/schema';
import type { Tx } from '../../worker/db/tx';
import { shouldApplyStatus, type StatusEvent } from '../meta/normalise';

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

export async function applyStatuses(tx: Tx, orgId: string, statuses: StatusEvent[], result: StatusResult): Promise<void> {
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
      if (!reaction) result.pending.push(s);
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

/** Keeps statuses whose message is not recorded yet; a redelivered webhook adds nothing (one row per wamid+status). */
export async function keepPending(tx: Tx, orgId: string, statuses: StatusEvent[]): Promise<void> {
  if (statuses.length === 0) return;
  await tx
    .insert(pendingStatuses)
    .values(statuses.map((s) => ({ organizationId: orgId, providerMessageId: s.providerMessageId, status: s.status, event: s as object })))
    .onConflictDoNothing();
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
  await applyStatuses(tx, orgId, rows.map((r) => revive(r.event as StatusEvent)), result);
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
