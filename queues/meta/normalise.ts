// Raw Meta webhook body → normalised events for the ingest consumer. Pure: no database, no network, never throws.
//
// Strictness: what we cannot route or de-duplicate without makes the whole body `ok: false` (bad JSON, wrong object,
// a "messages" change without metadata.phone_number_id, a message/status without id or timestamp), so the consumer
// dead-letters the raw body where an admin can see and replay it instead of silently dropping a customer's message.
// Everything else degrades: unknown message types become `unsupported` (raw kept), unknown fields are ignored, other
// webhook fields and unknown statuses become `ignored` events carrying their value so they can be recorded.
import { parseOrThrow, strictly } from '../strict-parse';
import { type NormalisedError, type NormalisedMessage, normaliseMessage, toNormalisedError } from './normalise-message';
import type { MetaStatusValue } from './status-rules';
import {
  type BaseMessage,
  type SenderContact,
  type StatusConversation,
  type StatusPricing,
  baseMessageSchema,
  messagesValueSchema,
  statusSchema,
  webhookEnvelopeSchema,
} from './webhook-schema';

export type { NormalisedError, NormalisedMedia, NormalisedMessage } from './normalise-message';
export { errorReason, type ErrorReason } from './error-reasons';
export { shouldApplyStatus, statusRank, type MetaStatusValue, type TrackedStatus } from './status-rules';

export interface MessageEvent {
  kind: 'message';
  /** Meta routes by phone_number_id; Evolution by the channel of its webhook URL (`channelId`, phoneNumberId ''). */
  phoneNumberId: string;
  channelId?: string;
  /** Evolution: typed on the business's own phone (or sent through the API): stored as our outbound message. */
  fromMe?: boolean;
  displayPhoneNumber?: string;
  /** entry.id: the WhatsApp Business Account. */
  wabaId: string;
  contact: {
    /** Phone-based WhatsApp id; the sender's BSUID when their phone number is hidden behind a username. */
    waId: string;
    profileName?: string;
    /** Business-scoped user id (BSUID), when Meta sends one. */
    userId?: string;
    username?: string;
    /** Evolution: the sender's LID (…@lid) when their phone number (waId) is known too: the LID contact merges into it. */
    lid?: string;
  };
  message: NormalisedMessage;
}

export interface StatusEvent {
  kind: 'status';
  phoneNumberId: string;
  channelId?: string;
  wabaId: string;
  providerMessageId: string;
  status: MetaStatusValue;
  /** Meta's value as sent ("played" arrives as status "read"). */
  providerStatus: string;
  timestamp: Date;
  recipientId?: string;
  recipientUserId?: string;
  /** The first of `errors`, for the message's error columns. */
  error?: NormalisedError;
  errors?: NormalisedError[];
  pricing?: StatusPricing;
  conversation?: StatusConversation;
  bizOpaqueCallbackData?: string;
}

/** Nothing to store as a message or status, but worth recording (other webhook fields, unknown statuses, value.errors). */
export interface IgnoredEvent {
  kind: 'ignored';
  field: string;
  wabaId: string;
  phoneNumberId?: string;
  reason: string;
  value: unknown;
}

export type MetaEvent = MessageEvent | StatusEvent | IgnoredEvent;
export type ParseResult = { ok: true; events: MetaEvent[] } | { ok: false; error: string };

export function parseWebhook(rawBody: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return normaliseWebhook(json);
}

/** Same as parseWebhook, for a body that is already parsed. */
export function normaliseWebhook(payload: unknown): ParseResult {
  const parsed = strictly(() => {
    const envelope = parseOrThrow(webhookEnvelopeSchema, payload, '');
    const events: MetaEvent[] = [];
    envelope.entry.forEach((entry, i) => {
      entry.changes.forEach((change, j) => {
        const at = `entry[${i}].changes[${j}].value`;
        if (change.field === 'messages') events.push(...messagesChange(entry.id, change.value, at));
        else events.push(ignored(change.field, entry.id, change.value, `field "${change.field}" is not handled`));
      });
    });
    return events;
  });
  return parsed.ok ? { ok: true, events: parsed.value } : parsed;
}

function messagesChange(wabaId: string, rawValue: unknown, at: string): MetaEvent[] {
  const value = parseOrThrow(messagesValueSchema, rawValue, at);
  const phoneNumberId = value.metadata.phone_number_id;
  const displayPhoneNumber = value.metadata.display_phone_number;
  const events: MetaEvent[] = [];

  value.messages?.forEach((raw, k) => {
    const base = parseOrThrow(baseMessageSchema, raw, `${at}.messages[${k}]`);
    events.push({
      kind: 'message',
      phoneNumberId,
      ...(displayPhoneNumber !== undefined && { displayPhoneNumber }),
      wabaId,
      contact: sender(value.contacts, base),
      message: normaliseMessage(base, raw),
    });
  });

  value.statuses?.forEach((raw, k) => {
    const s = parseOrThrow(statusSchema, raw, `${at}.statuses[${k}]`);
    const status = STATUS[s.status];
    if (!status) {
      events.push({ ...ignored('messages', wabaId, raw, `unknown status "${s.status}"`), phoneNumberId });
      return;
    }
    const errors = s.errors?.map(toNormalisedError);
    events.push({
      kind: 'status',
      phoneNumberId,
      wabaId,
      providerMessageId: s.id,
      status,
      providerStatus: s.status,
      timestamp: s.timestamp,
      ...(s.recipient_id && { recipientId: s.recipient_id }),
      ...(s.recipient_user_id && { recipientUserId: s.recipient_user_id }),
      ...(errors?.[0] && { error: errors[0], errors }),
      ...(s.pricing && { pricing: s.pricing }),
      ...(s.conversation && { conversation: s.conversation }),
      ...(s.biz_opaque_callback_data && { bizOpaqueCallbackData: s.biz_opaque_callback_data }),
    });
  });

  // Errors about the webhook itself (not tied to a message), e.g. a 131000 while Meta processed an inbound message.
  if (value.errors?.length) {
    const codes = value.errors.map((e) => `#${e.code} ${e.title ?? e.message ?? ''}`.trim()).join('; ');
    events.push({ ...ignored('messages', wabaId, value.errors, `webhook errors: ${codes}`), phoneNumberId });
  }
  if (!value.messages?.length && !value.statuses?.length && !value.errors?.length) {
    events.push({ ...ignored('messages', wabaId, rawValue, 'no messages, statuses or errors'), phoneNumberId });
  }
  return events;
}

/** "played" (a voice message was played) implies read; "deleted" is kept for completeness. */
const STATUS: Record<string, MetaStatusValue | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
  deleted: 'deleted',
};

/** Finds the sender's profile in value.contacts (absent for system messages). */
function sender(contacts: SenderContact[] | undefined, m: BaseMessage): MessageEvent['contact'] {
  const match =
    contacts?.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id)) ??
    (contacts?.length === 1 ? contacts[0] : undefined);
  const userId = match?.user_id || m.from_user_id;
  return {
    waId: (match?.wa_id || m.from || m.from_user_id)!, // baseMessageSchema guarantees from or from_user_id
    ...(match?.profile?.name && { profileName: match.profile.name }),
    ...(userId && { userId }),
    ...(match?.profile?.username && { username: match.profile.username }),
  };
}

function ignored(field: string, wabaId: string, value: unknown, reason: string): IgnoredEvent {
  const meta = (value as { metadata?: { phone_number_id?: unknown } } | null)?.metadata;
  const phoneNumberId = typeof meta?.phone_number_id === 'string' ? meta.phone_number_id : undefined;
  return { kind: 'ignored', field, wabaId, ...(phoneNumberId && { phoneNumberId }), reason, value };
}

/** "entry[0].changes[1].value.metadata.phone_number_id: Invalid input: expected string, received undefined". */
