// The realtime protocol, shared by the Durable Objects, the worker and the web app.
// Server → client: { type, data, seq }. Stored events get the room's next seq; ephemeral ones (typing, read marks
// of others) repeat the latest seq, so a client never sees a gap it would try to fill.
// Client → server: JSON commands below, or the string "ping" (answered "pong" even while the object hibernates).
//
// Conversation room (one per conversation):
//   message.created / message.updated  data = the message DTO (worker/domain/dto.ts messageDto, with reactions)
//   read                                data = { userId, at }                      typing: ephemeral, data = { userId, state }
//   conversation.updated                data = the list entry, as on the inbox: status, assignee or labels changed
//   scheduled.updated                   data = { conversationId }: its scheduled messages changed (created, edited,
//                                       cancelled, sent or failed); open chats reload GET …/scheduled-messages
//   conversation.erased                 data = { id }: erased for good (LGPD); the socket is then closed with 4004
//                                       "erased" and the room's history is gone: clients show the chat as erased
// Close codes: 4003 access changed (reason "reassigned": the conversation went to another agent; "role changed",
// "membership removed"): clients re-check access over REST before reconnecting · 4008 no heartbeat.
// Organisation inbox (one per organisation; every member, whatever the role, except as noted):
//   conversation.updated   data = the conversation's list entry (conversationSummaries); an agent receives it only for
//                          conversations unassigned or assigned to them, otherwise as
//   conversation.hidden    data = { id }
//   deal.created / deal.updated / deal.moved / deal.deleted   the sales board (worker/domain/deals.ts dealBoardEvent):
//                          data = { deal: DealCard, move?: { fromStageId, toStageId, fromPipelineId, toPipelineId },
//                          changed?: string[] }; deal.moved is a stage change; deal.deleted has data = { deal: { id,
//                          pipelineId, stageId } }
//   pipeline.updated       data = { pipelineId }: a pipeline or its stages were created, renamed, reordered or deleted;
//                          open boards reload it
//   label.updated          data = { label } (worker/domain/labels.ts labelColumns): renamed or recoloured; clients
//                          update every row, chat and filter that shows it (one event, however many are tagged)
//   label.deleted          data = { id }: the label and its taggings are gone; clients drop it wherever shown
// Conversation rooms are routed to only while watched (a socket open, or within UNWATCH_GRACE_MS of the last one
// leaving, durable-objects/conversation.ts): events for chats nobody has open are not kept anywhere but the database.
// Both: resync           data = { reason }: reload over REST. "history_gone": the missed history is gone (sent on
//                        reconnect, with the latest seq; reconnect without `after`; also to a socket resuming in a
//                        room that went unwatched since its seq). "missed_events": a notify this
//                        room could not take even after retries (worker/realtime/notify.ts); stored with its own seq, so
//                        sockets that reconnect later with an older seq replay it too.
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
  /** The member's departments when the socket opened (a change of membership closes their sockets). */
  departments?: string[];
}

// Reads go through REST (POST /api/v1/conversations/:id/read), so the room never opens a database connection.
export const clientCommand = z.discriminatedUnion('type', [z.object({ type: z.literal('typing'), data: z.object({ state: z.enum(['on', 'off']) }) })]);
export type ClientCommand = z.infer<typeof clientCommand>;

/** How many stored events a room keeps for reconnecting clients; older gaps get a "resync". */
export const HISTORY_LIMIT = 500;
