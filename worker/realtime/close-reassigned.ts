// A conversation given to someone else: agents who may no longer read it lose their open chat socket (4003
// "reassigned"), so the room stops streaming its messages to them. Their inbox socket hides the row by itself
// (OrgInbox.visibleTo); managers and admins keep both.
import { conversationRoom } from './notify';
import type { ConversationTarget } from '../auth/policy';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';

export async function closeReassignedSockets(env: Env, orgId: string, conversationId: string, target: ConversationTarget, log: Logger): Promise<void> {
  // Unassigned in the general queue: every agent may read it again.
  if (target.assigneeId === null && !target.departmentId) return;
  try {
    await conversationRoom(env, orgId, conversationId).closeWithoutAccess({ assigneeId: target.assigneeId, departmentId: target.departmentId ?? null }, 'reassigned');
  } catch (err) {
    // The assignment stands; the agent's REST reads are refused anyway, only the open socket would linger.
    log.error('closing reassigned sockets failed', { ...errorFields(err), orgId, conversationId });
  }
}
