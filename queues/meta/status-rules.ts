// Which status webhook may change a stored outbound message. Meta does not promise ordering: webhooks are retried
// and arrive out of order, and "delivered" is skipped when a message is delivered and read at once ("a status is
// considered read only if it has been delivered"):
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
//
// Rules:
// - queued < sent < delivered < read; a status never moves backwards, and a repeat is a no-op (idempotent).
// - failed applies only while the message is queued or sent. Once delivered/read, the customer has it: a late
//   failed (e.g. for one of their linked devices) must not turn a delivered message red.
// - delivered/read after failed do apply: they are proof of delivery (multi-device users can produce failed then
//   delivered). A late sent after failed does not: it carries no such proof.
// - deleted is terminal and applies over anything. Status webhooks never apply to inbound (received) messages.
import type { MessageStatus } from '../../worker/db/schema/enums';

/** Statuses Meta reports for our outbound messages ("played" is folded into read by the normaliser). */
export type MetaStatusValue = 'sent' | 'delivered' | 'read' | 'failed' | 'deleted';
export type TrackedStatus = MessageStatus | 'deleted';

const RANK: Record<TrackedStatus, number> = {
  received: -1, // inbound: outside the outbound progression
  queued: 0,
  sent: 1,
  failed: 1, // a send attempt's outcome: above queued, below any proof of delivery
  delivered: 2,
  read: 3,
  deleted: 4,
};

export function statusRank(status: TrackedStatus): number {
  return RANK[status];
}

export function shouldApplyStatus(current: TrackedStatus | null | undefined, incoming: MetaStatusValue): boolean {
  if (current === null || current === undefined) return true;
  if (current === 'received' || current === 'deleted' || current === incoming) return false;
  if (incoming === 'failed') return current === 'queued' || current === 'sent';
  return statusRank(incoming) > statusRank(current);
}
