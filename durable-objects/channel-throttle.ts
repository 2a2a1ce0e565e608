// One per Evolution channel: spaces its sends evenly at the channel's rate (default 20 a minute), since WhatsApp bans
// numbers that send in bursts through WhatsApp Web. Each message gets one slot, kept by its id, so a delivery that had
// to wait and comes back later (queue retry) sends at the slot it was given: messages beyond the limit wait in order,
// none is dropped, and none goes out faster than the limit.
import { DurableObject } from 'cloudflare:workers';

interface State {
  /** The earliest time the next new slot may start (ms since epoch). */
  next: number;
  /** Message id → its slot, until a while after that slot passed. */
  slots: Record<string, number>;
}

const KEEP_SLOTS_MS = 30 * 60_000;

export class ChannelThrottle extends DurableObject {
  /** The time this message may be sent at (now or later); the same answer for the same message. */
  async reserve(messageId: string, perMinute: number, now = Date.now()): Promise<number> {
    const state = (await this.ctx.storage.get<State>('state')) ?? { next: 0, slots: {} };
    const held = state.slots[messageId];
    if (held !== undefined) return held;
    const interval = Math.ceil(60_000 / Math.max(1, perMinute));
    const slot = Math.max(now, state.next);
    state.next = slot + interval;
    state.slots[messageId] = slot;
    for (const [id, at] of Object.entries(state.slots)) if (at < now - KEEP_SLOTS_MS) delete state.slots[id];
    await this.ctx.storage.put('state', state);
    return slot;
  }
}
