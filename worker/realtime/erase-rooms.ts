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

/**
 * `onlyWatched`: only the rooms the inbox saw watched (the others never got an object), for retention's batches of
 * up to thousands; a contact's few conversations are all visited, rooms from before watch tracking included.
 */
export async function eraseRooms(env: Env, orgId: string, conversationIds: string[], needles: string[], log: Logger, opts: { onlyWatched?: boolean } = {}): Promise<RoomsErased> {
  let sockets = 0;
  let inboxEvents = 0;
  let rooms = conversationIds;
  if (opts.onlyWatched && conversationIds.length) {
    try {
      rooms = await orgInbox(env, orgId).everWatched(conversationIds);
    } catch (err) {
      log.error('reading watched rooms failed; visiting every room', { ...errorFields(err), orgId });
    }
  }
  // The rows are gone whatever happens here; a room that fails is logged (its history ages out after 500 events).
  await Promise.all(
    rooms.map(async (id) => {
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
