// The realtime protocol, shared by the Durable Objects, the worker and the web app.
// Server → client: { type, data, seq }. Stored events get the room's next seq; ephemeral ones (typing, read marks
// of others) repeat the latest seq, so a client never sees a gap it would try to fill.
// Client → server: JSON commands below, or the string "ping" (answered "pong" even while the object hibernates).
import { z } from 'zod';
import type { Role } from '../worker/db/schema';

export interface RealtimeEvent {
  type: string;
  data: unknown;
  seq: number;
}

/** Who a socket belongs to; kept in the socket's attachment so it survives hibernation. */
export interface SocketIdentity {
  userId: string;
  orgId: string;
  role: Role;
  /** The room this socket joined (a conversation id, or "inbox"). */
  room: string;
}

export const clientCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing'), data: z.object({ state: z.enum(['on', 'off']) }) }),
  z.object({ type: z.literal('read') }),
]);
export type ClientCommand = z.infer<typeof clientCommand>;

/** How many stored events a room keeps for reconnecting clients; older gaps get a "resync". */
export const HISTORY_LIMIT = 500;
