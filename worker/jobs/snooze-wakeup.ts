// Every minute: snoozed conversations whose time has come are open again, live in open inboxes and chats
// (worker/domain/snooze.ts). Runs per organisation under its RLS.
import type { Db } from '../db/client';
import { asSystem, withOrg } from '../db/tx';
import type { Env } from '../env';
import type { Logger } from '../lib/log';
import { orgsWithDueSnoozes, wakeSnoozed } from '../domain/snooze';
import { notifyStored } from '../realtime/notify';

export async function wakeSnoozedConversations(env: Env, db: Db, log: Logger, now = new Date()): Promise<{ woken: number }> {
  const orgs = await asSystem(db, (tx) => orgsWithDueSnoozes(tx, now));
  let woken = 0;
  for (const orgId of orgs) {
    const ids = await withOrg(db, orgId, (tx) => wakeSnoozed(tx, orgId, now));
    woken += ids.length;
    if (ids.length) await notifyStored(env, db, orgId, { created: [], updated: [], conversationIds: ids, toRooms: true }, log);
  }
  return { woken };
}
