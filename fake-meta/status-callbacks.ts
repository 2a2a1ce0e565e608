// The lifecycle Meta reports for a message Conversa sent: sent → delivered → read status webhooks, in order, each
// after a short pause; or one `failed` status when the error is of the kind Meta reports asynchronously.
import { webhookError, type MetaErrorSpec } from './errors';
import { deliver } from './deliver';
import { randomBytes } from 'node:crypto';
import { sleep, track, windowKey, WINDOW_MS, type FakeMetaState, type OutboundMessage, type WebhookDelivery } from './state';
import { buildStatus, type StatusName, type StatusUpdate } from './webhooks';

/** What the message costs under per-message pricing: templates are billed by category, replies in the window are free. */
function pricingFor(state: FakeMetaState, msg: OutboundMessage): NonNullable<StatusUpdate['pricing']> {
  if (msg.request.type === 'template') {
    const wabaId = state.numbers.get(msg.phoneNumberId)?.wabaId;
    const { name, language } = msg.request.template;
    const template = state.templates.find((t) => t.wabaId === wabaId && t.name === name && t.language === language.code);
    return { billable: true, pricing_model: 'PMP', category: (template?.category ?? 'UTILITY').toLowerCase(), type: 'regular' };
  }
  return { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
}

/** One conversation id per customer and 24 h, reused by every status in it, as Meta's statuses carry. */
function conversationFor(state: FakeMetaState, msg: OutboundMessage, origin: string, withExpiry: boolean): NonNullable<StatusUpdate['conversation']> {
  const key = windowKey(msg.phoneNumberId, msg.waId);
  let conv = state.conversations.get(key);
  if (!conv || conv.expiresAt <= state.now()) {
    conv = { id: randomBytes(16).toString('hex'), expiresAt: state.now() + WINDOW_MS, origin };
    state.conversations.set(key, conv);
  }
  return {
    id: conv.id,
    ...(withExpiry ? { expiration_timestamp: String(Math.floor(conv.expiresAt / 1000)) } : {}),
    origin: { type: conv.origin },
  };
}

/** Posts one status webhook for an outbound message and records it on the message. */
export async function emitStatus(
  state: FakeMetaState, msg: OutboundMessage, status: StatusName, error?: MetaErrorSpec,
): Promise<WebhookDelivery | undefined> {
  const number = state.numbers.get(msg.phoneNumberId);
  if (!number || state.runtime.closed) return undefined;
  const at = state.now();
  msg.status = status;
  msg.statusHistory.push({ status, at });
  if (error) msg.error = { code: error.code, title: error.title, details: error.details };

  const pricing = status === 'failed' ? undefined : pricingFor(state, msg);
  const payload = buildStatus(number, {
    id: msg.id,
    status,
    recipientId: msg.waId,
    timestamp: Math.floor(at / 1000),
    ...(pricing ? { pricing, conversation: conversationFor(state, msg, pricing.category, status === 'sent') } : {}),
    ...(msg.request.biz_opaque_callback_data ? { bizOpaqueCallbackData: msg.request.biz_opaque_callback_data } : {}),
    ...(error ? { errors: [webhookError(error)] } : {}),
  });
  return deliver(state, 'status', msg.id, error ? `${status} ${error.code}` : status, payload);
}

/**
 * After the Graph API accepted a send: the failed status when the error is asynchronous (always posted), otherwise
 * the automatic lifecycle when autoStatuses is on. Reactions only ever get `sent`, as on Meta.
 */
export function scheduleStatuses(state: FakeMetaState, msg: OutboundMessage, asyncError?: MetaErrorSpec): void {
  if (!asyncError && !state.config.autoStatuses) return;
  track(state, async () => {
    const steps: StatusName[] = asyncError ? ['failed'] : msg.type === 'reaction' ? ['sent'] : ['sent', 'delivered', 'read'];
    for (const step of steps) {
      await sleep(state, state.config.statusDelayMs);
      if (state.runtime.closed) return;
      await emitStatus(state, msg, step, step === 'failed' ? asyncError : undefined);
    }
  });
}
