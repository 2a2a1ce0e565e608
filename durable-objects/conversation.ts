import type { Actor } from '../worker/auth/actor';
import { can, type ConversationTarget } from '../worker/auth/policy';
import { FanoutRoom } from './fanout';
import { clientCommand, type SocketIdentity } from './protocol';

/** The policy's view of a socket's owner (role and user as they were checked when the socket opened). */
const socketActor = (me: SocketIdentity): Actor => ({ ...me, isSuperAdmin: false, viaSuperAdmin: false, sessionId: '', ip: '', userAgent: null });

/**
 * One per conversation (named `${orgId}:${conversationId}`): the agents watching that chat. It holds sockets, not
 * database connections: reading a chat is POST /api/v1/conversations/:id/read, which publishes `read` here.
 */
export class ConversationRoom extends FanoutRoom {
  protected override get room() {
    return 'conversation';
  }

  /**
   * The conversation now belongs to `assigneeId`: closes (4003) the sockets of those who may no longer read it (agents
   * other than the assignee); managers and admins stay. The client shows the chat as unavailable instead of reconnecting.
   */
  async closeWithoutAccess(target: ConversationTarget, reason = 'reassigned'): Promise<number> {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (can(socketActor(ws.deserializeAttachment() as SocketIdentity), 'conversation.read', target)) continue;
      ws.close(4003, reason);
      closed++;
    }
    if (closed) this.reportConnections();
    return closed;
  }

  /**
   * The conversation was erased (LGPD): open chats get `conversation.erased` and are closed (4004 "erased"), and the
   * room forgets everything it kept (its history holds message texts). Returns the sockets closed.
   */
  async erase(conversationId: string): Promise<number> {
    const seq = ((await this.ctx.storage.get<number>('seq')) ?? 0) + 1;
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      this.send(ws, { type: 'conversation.erased', data: { id: conversationId }, seq });
      ws.close(4004, 'erased');
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.reportConnections();
    return sockets.length;
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer) {
    if (typeof raw !== 'string') return;
    let parsed;
    try {
      parsed = clientCommand.safeParse(JSON.parse(raw));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      this.send(ws, { type: 'error', data: { code: 'bad_command', message: 'Unknown or malformed command' }, seq: 0 });
      return;
    }
    // The only command: typing, passed on to the others and not kept.
    const me = ws.deserializeAttachment() as SocketIdentity;
    await this.broadcastEphemeral('typing', { userId: me.userId, state: parsed.data.data.state }, ws);
  }
}
