// Sends one webhook to Conversa the way Meta does: signed, retried while the receiver is down or answering 5xx/429,
// and logged in state.webhooks so tests and the phone page can see what was delivered.
import { nextSeq, sleep, type FakeMetaState, type WebhookDelivery } from './state';
import { postWebhook, type WebhookPayload } from './webhooks';

const retryable = (status: number | null) => status === null || status === 429 || status >= 500;

export async function deliver(
  state: FakeMetaState, kind: WebhookDelivery['kind'], ref: string, detail: string, payload: WebhookPayload,
): Promise<WebhookDelivery> {
  const { webhookUrl, appSecret, metaEscaping, webhookTimeoutMs, webhookRetries } = state.config;
  const record: WebhookDelivery = {
    seq: nextSeq(state), at: new Date(state.now()).toISOString(), kind, ref, detail, url: webhookUrl, status: null, attempts: 0,
  };
  state.webhooks.push(record);
  for (let attempt = 0; attempt <= webhookRetries && !state.runtime.closed; attempt++) {
    if (attempt > 0) await sleep(state, 250 * 2 ** (attempt - 1));
    if (state.runtime.closed) break;
    const res = await postWebhook(webhookUrl, payload, appSecret, { metaEscaping, timeoutMs: webhookTimeoutMs, signal: state.runtime.abort.signal });
    record.attempts = attempt + 1;
    record.status = res.status;
    if (res.error) record.error = res.error;
    else delete record.error;
    if (!retryable(res.status)) break;
  }
  return record;
}
