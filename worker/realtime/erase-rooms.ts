// After an erasure commits (contact erased, or conversations purged by retention): open chats of those
// conversations close live with `conversation.erased`, their rooms forget their history (message texts), and the
// organisation inbox's history drops the events naming them (list entries carry the name and last message).
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { conversationRoom, orgInbox } from './notify';

export interface RoomsErased {
  /** Chat sockets closed. */
  sockets: number;
  /** Inbox history events replaced by a resync. */
  inboxEvents: number;
}

export async function eraseRooms(env: Env, orgId: string, conversationIds: string[], needles: string[], log: Logger): Promise<RoomsErased> {
  let sockets = 0;
  let inboxEvents = 0;
  // The rows are gone whatever happens here; a room that fails is logged (its history ages out after 500 events).
  await Promise.all(
    conversationIds.map(async (id) => {
      try {
        sockets += await conversationRoom(env, orgId, id).erase(id);
      } catch (err) {
        log.error('erasing a conversation room failed', { ...errorFields(err), orgId, conversationId: id });
      }
    }),
  );
  try {
    inboxEvents = await orgInbox(env, orgId).forget([...conversationIds, ...needles]);
  } catch (err) {
    log.error('erasing from the inbox history failed', { ...errorFields(err), orgId });
  }
  return { sockets, inboxEvents };
}
