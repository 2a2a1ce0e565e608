import type { Actor } from '../worker/auth/actor';
import { can, type ConversationTarget } from '../worker/auth/policy';
import { FanoutRoom } from './fanout';
import { clientCommand, type SocketIdentity } from './protocol';

/** How long a room stays watched after its last socket left (reconnects within it replay instead of reloading). */
export const UNWATCH_GRACE_MS = 120_000;

interface RoomOwner {
  orgId: string;
  conversationId: string;
}

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
    // Unwatched at once (no grace): the inbox stops routing here before the storage goes.
    const owner = await this.ctx.storage.get<RoomOwner>('owner');
    if (owner) await this.reportWatch(owner, false);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.reportConnections();
    return sockets.length;
  }

  /**
   * Tells the organisation's inbox whether this conversation is watched: routing skips rooms nobody has open, so
   * most conversations never get an object or stored events at all. A join is reported (and awaited) before the
   * socket opens. The last socket leaving is reported only after UNWATCH_GRACE_MS (by the alarm): a client back
   * within it, after a network blip, still replays exactly what it missed.
   */
  protected override async socketsChanged(identity: SocketIdentity, closing?: WebSocket): Promise<void> {
    if (this.openSockets(closing).length > 0) {
      if (closing) return;
      await this.ctx.storage.delete('unwatchAt');
      await this.reportWatch({ orgId: identity.orgId, conversationId: identity.room }, true);
      return;
    }
    const unwatchAt = Date.now() + UNWATCH_GRACE_MS;
    await this.ctx.storage.put('unwatchAt', unwatchAt);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > unwatchAt) await this.ctx.storage.setAlarm(unwatchAt);
  }

  override async alarm() {
    await super.alarm();
    const unwatchAt = await this.ctx.storage.get<number>('unwatchAt');
    if (unwatchAt === undefined) return;
    if (this.openSockets().length > 0) {
      await this.ctx.storage.delete('unwatchAt');
      return;
    }
    if (Date.now() < unwatchAt) {
      await this.ctx.storage.setAlarm(unwatchAt);
      return;
    }
    const owner = await this.ctx.storage.get<RoomOwner>('owner');
    await this.ctx.storage.delete('unwatchAt');
    // A failed report throws: the runtime retries the alarm.
    if (owner) await this.reportWatch(owner, false);
  }

  /** Reports carry an increasing version, so one overtaken by a later report (a leave racing a join) changes nothing. */
  private async reportWatch(owner: RoomOwner, watched: boolean): Promise<void> {
    const version = ((await this.ctx.storage.get<number>('watchVersion')) ?? 0) + 1;
    const wasWatched = await this.ctx.storage.get<boolean>('watched');
    const puts: Record<string, unknown> = { watchVersion: version, watched, owner };
    // Watched again after a time nobody was: what was routed meanwhile was never kept here, so a client resuming from
    // a seq up to this one reloads. (A room never watched before has no client that could resume.)
    if (watched && wasWatched === false) puts.watchedFromSeq = (await this.ctx.storage.get<number>('seq')) ?? 0;
    await this.ctx.storage.put(puts);
    await this.env.ORG_INBOX.get(this.env.ORG_INBOX.idFromName(owner.orgId)).watchRoom(owner.conversationId, watched, version);
  }

  protected override async mustReload(after: number): Promise<boolean> {
    const from = await this.ctx.storage.get<number>('watchedFromSeq');
    return from !== undefined && after <= from;
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
