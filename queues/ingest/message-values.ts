// What an inbound event becomes as a `messages` row, shared by both store paths (queues/ingest/store.ts, inbound.ts).
import { previewText } from '../../worker/domain/preview';
import type { MessageEvent } from '../meta/normalise';

export const isHistory = (e: MessageEvent) => (e.message.payload as { history?: boolean }).history === true;

/**
 * WhatsApp times messages to the second; ours are timed to the millisecond. Within its second, a message is placed by
 * when it reached us (at most the second's last millisecond), so a customer's reply never sorts before our message it
 * answers when both fall in the same second; it never leaves WhatsApp's second (a late delivery keeps its time).
 */
export function withinItsSecond(ts: Date | null | undefined, arrival: Date): Date | null {
  if (!ts) return null;
  return new Date(ts.getTime() + Math.min(Math.max(arrival.getTime() - ts.getTime(), 0), 999));
}

/** The payload column: the provider's structured content plus what we keep beside it (media, referral, errors). */
export function messagePayload(e: MessageEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const m = e.message;
  return {
    ...m.payload,
    providerType: m.providerType,
    ...(m.media ? { media: m.media } : {}),
    ...(m.referral ? { referral: m.referral } : {}),
    ...(m.errors ? { errors: m.errors } : {}),
    ...extra,
  };
}

/** The conversation list's preview of this message. */
export const eventPreview = (e: MessageEvent) => previewText(e.message.kind, e.message.body);
