// A member whose role changed or who was removed must re-authorise every open socket: the inbox one and each
// conversation room they joined (the org inbox remembers which).
import { conversationRoom, orgInbox } from './notify';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';

export async function closeUserSockets(env: Env, orgId: string, userId: string, reason: string, log: Logger): Promise<void> {
  try {
    const inbox = orgInbox(env, orgId);
    const rooms = await inbox.takeRooms(userId);
    const results = await Promise.allSettled([
      inbox.closeUser(userId, reason),
      ...rooms.map((conversationId) => conversationRoom(env, orgId, conversationId).closeUser(userId, reason)),
    ]);
    for (const r of results) if (r.status === 'rejected') log.warn('closing sockets failed', { ...errorFields(r.reason), orgId, userId });
  } catch (err) {
    // The access change itself stands (every request re-reads the role); only open sockets would linger.
    log.error('closing sockets failed', { ...errorFields(err), orgId, userId });
  }
}
