import { createLogger } from '../worker/lib/log';
import { deliver, type RoomEvents } from '../worker/realtime/notify';
import { FanoutRoom } from './fanout';
import type { RealtimeEvent, SocketIdentity } from './protocol';

/** Conversation rooms remembered per user; the web app has one chat open at a time, so this is plenty. */
const ROOMS_KEPT = 100;

interface ListEntry {
  id: string;
  assigneeId: string | null;
  departmentId?: string | null;
}

/**
 * One per organisation: conversation-list changes for everyone in its inbox. An agent only ever receives
 * conversations assigned to it or unassigned in a queue it serves (general or its departments'); one assigned away is announced as hidden.
 * It also keeps the organisation's used realtime tickets, so each ticket works once, and which conversation rooms
 * each member joined, so an access change can close those sockets too.
 */
export class OrgInbox extends FanoutRoom {
  protected override get room() {
    return 'inbox';
  }

  protected override visibleTo(identity: SocketIdentity, event: RealtimeEvent): RealtimeEvent | null {
    // A member's notification is theirs alone.
    if (event.type === 'notification.created') return (event.data as { userId: string }).userId === identity.userId ? event : null;
    // A QR code links a device to the business's WhatsApp: only admins (who connect numbers) receive it.
    if (event.type === 'channel.updated' && identity.role !== 'tenant_admin') {
      const { channel } = event.data as { channel: Record<string, unknown> };
      return { ...event, data: { channel: { ...channel, qrCode: null } } };
    }
    if (identity.role !== 'agent' || event.type !== 'conversation.updated') return event;
    const c = event.data as ListEntry;
    if (c.assigneeId === identity.userId) return event;
    if (c.assigneeId === null && (!c.departmentId || (identity.departments ?? []).includes(c.departmentId))) return event;
    return { type: 'conversation.hidden', data: { id: c.id }, seq: event.seq };
  }

  /**
   * A batch's events for the whole organisation in one call (worker/realtime/notify.ts routeToRooms): the inbox's
   * own are published here, each conversation room's forwarded to it concurrently. A room that does not take its
   * events is handled as the consumer would (queued for another try, then resync), never thrown back.
   */
  async route(orgId: string, rooms: RoomEvents[]): Promise<void> {
    const log = createLogger({ object: 'OrgInbox', orgId }, this.env.LOG_LEVEL);
    const watched = await this.watchedRooms(rooms.flatMap((r) => (r.conversationId === null ? [] : [r.conversationId])));
    await Promise.all(
      rooms.map((r) => {
        if (r.conversationId === null) return this.publishMany(r.events).then(() => {});
        // Nobody has this chat open: whoever opens it later loads it over REST (a resuming socket is told to reload).
        if (!watched.has(r.conversationId)) return undefined;
        return deliver(this.env, orgId, r.conversationId, r.events, log);
      }),
    );
  }

  /** A conversation room reports whether any socket is open in it (ConversationRoom.socketsChanged). */
  async watchRoom(conversationId: string, watched: boolean, version: number): Promise<void> {
    const key = `watch:${conversationId}`;
    const current = await this.ctx.storage.get<{ v: number; on: boolean }>(key);
    if (current && current.v >= version) return;
    await this.ctx.storage.put(key, { v: version, on: watched });
  }

  /** Which of these conversations ever had a socket open: only their rooms ever kept anything (erasure). */
  async everWatched(conversationIds: string[]): Promise<string[]> {
    const keys = [...new Set(conversationIds)].map((id) => `watch:${id}`);
    const ever: string[] = [];
    for (let i = 0; i < keys.length; i += 128) ever.push(...(await this.ctx.storage.get(keys.slice(i, i + 128))).keys());
    return ever.map((k) => k.slice('watch:'.length));
  }

  /** Which of these conversations have a socket open (storage reads at most 128 keys per call). */
  private async watchedRooms(conversationIds: string[]): Promise<Set<string>> {
    const keys = [...new Set(conversationIds)].map((id) => `watch:${id}`);
    const watched = new Set<string>();
    for (let i = 0; i < keys.length; i += 128) {
      const found = await this.ctx.storage.get<{ v: number; on: boolean }>(keys.slice(i, i + 128));
      for (const [key, state] of found) if (state.on) watched.add(key.slice('watch:'.length));
    }
    return watched;
  }

  /** Members with the inbox open in at least one tab: presence is "offline" for everyone else (the last tab closed). */
  connectedUsers(): string[] {
    const users = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity | null;
      if (identity?.userId && ws.readyState === WebSocket.OPEN) users.add(identity.userId);
    }
    return [...users];
  }

  /** Remembers that a user opened a socket in a conversation room. */
  async noteRoom(userId: string, conversationId: string): Promise<void> {
    const key = `rooms:${userId}`;
    const rooms = (await this.ctx.storage.get<Record<string, number>>(key)) ?? {};
    rooms[conversationId] = Date.now();
    const newest = Object.entries(rooms).sort((a, b) => b[1] - a[1]).slice(0, ROOMS_KEPT);
    await this.ctx.storage.put(key, Object.fromEntries(newest));
  }

  /** The conversation rooms a user joined, forgotten as they are handed out (their sockets are about to close). */
  async takeRooms(userId: string): Promise<string[]> {
    const key = `rooms:${userId}`;
    const rooms = (await this.ctx.storage.get<Record<string, number>>(key)) ?? {};
    await this.ctx.storage.delete(key);
    return Object.keys(rooms);
  }

  /** True the first time a ticket id is seen before it expires; false for any reuse. */
  async consumeTicket(jti: string, expiresAt: number): Promise<boolean> {
    const key = `ticket:${jti}`;
    if (expiresAt <= Date.now() || (await this.ctx.storage.get(key)) !== undefined) return false;
    await this.ctx.storage.put(key, expiresAt);
    // Forget tickets that could no longer be used anyway.
    const old = await this.ctx.storage.list<number>({ prefix: 'ticket:', limit: 200 });
    const expired = [...old].filter(([, exp]) => exp <= Date.now()).map(([k]) => k);
    if (expired.length) await this.ctx.storage.delete(expired);
    return true;
  }
}
