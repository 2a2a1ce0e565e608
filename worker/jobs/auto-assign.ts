// Every minute, and right after the menu bot routes a customer: auto-assigning departments hand out their queues
// (worker/service-desk/auto-assign.ts). Who is online comes from the organisation's inbox Durable Object (open tabs).
import { closeReassignedSockets } from '../realtime/close-reassigned';
import { notifyStored, orgInbox, publishNotifications } from '../realtime/notify';
import type { Db } from '../db/client';
import { asSystem, withOrg } from '../db/tx';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { autoAssign, orgsWithAutoAssign } from '../service-desk/auto-assign';

export async function assignQueues(env: Env, db: Db, orgId: string, log: Logger, now = new Date()): Promise<number> {
  let connected: string[];
  try {
    connected = await orgInbox(env, orgId).connectedUsers();
  } catch (err) {
    // Without knowing who is there, nobody gets work (better late than to someone away).
    log.warn('presence unavailable; nothing auto-assigned', { ...errorFields(err), orgId });
    return 0;
  }
  const r = await withOrg(db, orgId, (tx) => autoAssign(tx, orgId, connected, now));
  const ids = [...new Set([...r.assigned.map((a) => a.conversationId), ...r.requeued.map((q) => q.conversationId)])];
  if (ids.length === 0) return 0;
  for (const a of r.assigned) await closeReassignedSockets(env, orgId, a.conversationId, { assigneeId: a.userId }, log);
  await publishNotifications(env, orgId, r.notices, log);
  await notifyStored(env, db, orgId, { created: r.trail, updated: [], conversationIds: ids, toRooms: true }, log);
  return r.assigned.length;
}

export async function assignAllQueues(env: Env, db: Db, log: Logger, now = new Date()): Promise<{ assigned: number }> {
  const orgs = await asSystem(db, (tx) => orgsWithAutoAssign(tx));
  let assigned = 0;
  for (const orgId of orgs) {
    try {
      assigned += await assignQueues(env, db, orgId, log, now);
    } catch (err) {
      log.error('auto-assignment failed', { ...errorFields(err), orgId });
    }
  }
  return { assigned };
}
