// Every minute: statuses still waiting for their send (queues/ingest/statuses.ts). Applies those whose wamid was
// recorded after all (the status and the record committed at the same moment) and drops those older than a week —
// statuses of messages another app sent from the same number, which will never be ours.
import type { Db } from '../db/client';
import { asSystem, withOrg } from '../db/tx';
import type { Env } from '../env';
import type { Logger } from '../lib/log';
import { orgsWithPendingStatuses, settlePending } from '../../queues/ingest/statuses';
import { notifyStored } from '../realtime/notify';

export const PENDING_STATUS_TTL_MS = 7 * 24 * 60 * 60_000;

export async function settlePendingStatuses(env: Env, db: Db, log: Logger, now = new Date()): Promise<{ applied: number; expired: number }> {
  const orgs = await asSystem(db, (tx) => orgsWithPendingStatuses(tx));
  const total = { applied: 0, expired: 0 };
  for (const orgId of orgs) {
    const { applied, expired } = await withOrg(db, orgId, (tx) => settlePending(tx, orgId, new Date(now.getTime() - PENDING_STATUS_TTL_MS)));
    total.applied += applied.length;
    total.expired += expired;
    if (applied.length) await notifyStored(env, db, orgId, { created: [], updated: applied, conversationIds: [] }, log);
  }
  return total;
}
