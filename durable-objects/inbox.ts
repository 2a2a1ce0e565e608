import { FanoutRoom } from './fanout';
import type { RealtimeEvent, SocketIdentity } from './protocol';

interface ListEntry {
  id: string;
  assigneeId: string | null;
}

/**
 * One per organisation: conversation-list changes for everyone in its inbox. An agent only ever receives
 * conversations that are unassigned or assigned to it; one assigned away is announced as hidden.
 * It also keeps the organisation's used realtime tickets, so each ticket works once.
 */
export class OrgInbox extends FanoutRoom {
  protected override visibleTo(identity: SocketIdentity, event: RealtimeEvent): RealtimeEvent | null {
    if (identity.role !== 'agent' || event.type !== 'conversation.updated') return event;
    const c = event.data as ListEntry;
    if (c.assigneeId === null || c.assigneeId === identity.userId) return event;
    return { type: 'conversation.hidden', data: { id: c.id }, seq: event.seq };
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
