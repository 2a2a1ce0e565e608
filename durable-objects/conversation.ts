import type { Actor } from '../worker/auth/actor';
import { can, type ConversationTarget } from '../worker/auth/policy';
import { createDb } from '../worker/db/client';
import { markConversationRead } from '../worker/domain/read';
import { createLogger, errorFields } from '../worker/lib/log';
import { FanoutRoom } from './fanout';
import { clientCommand, type SocketIdentity } from './protocol';

/** The policy's view of a socket's owner (role and user as they were checked when the socket opened). */
const socketActor = (me: SocketIdentity): Actor => ({ ...me, isSuperAdmin: false, viaSuperAdmin: false, sessionId: '', ip: '', userAgent: null });

/** One per conversation (named `${orgId}:${conversationId}`): the agents watching that chat. */
export class ConversationRoom extends FanoutRoom {
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
    return closed;
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
    const me = ws.deserializeAttachment() as SocketIdentity;
    if (parsed.data.type === 'typing') {
      await this.broadcastEphemeral('typing', { userId: me.userId, state: parsed.data.data.state }, ws);
      return;
    }
    // read: persist (unread → 0, receipt to WhatsApp), then tell the others in the room.
    const log = createLogger({ room: me.room, userId: me.userId }, this.env.LOG_LEVEL);
    const { db, pool } = createDb({ url: this.env.DATABASE_URL, wsProxy: this.env.DB_WS_PROXY });
    try {
      if (await markConversationRead(this.env, db, me.orgId, me.room, me.userId, log)) {
        await this.publish('read', { userId: me.userId, at: new Date().toISOString() });
      }
    } catch (err) {
      log.error('marking read failed', errorFields(err));
    } finally {
      await pool.end().catch(() => {});
    }
  }
}
