// Posts webhooks the way Evolution's webhook controller does: one JSON envelope per event to the instance's webhook
// URL (or URL/<event-name> when byEvents), with the instance's headers, only for the events it subscribed to. Failed
// deliveries are retried with a short backoff; each one is logged for /_fake/webhooks. Webhooks of one instance go
// out in order, one at a time, so a receiver sees qrcode.updated before connection.update, SERVER_ACK before READ.
import { saoPauloIso } from './ids';
import {
  ownerJid, sleep, track, type EventName, type FakeEvolutionState, type Instance, type MessageRaw, type StoredMessage, type WebhookRecord,
} from './state';

export interface Envelope {
  event: EventName;
  instance: string;
  data: unknown;
  destination: string;
  date_time: string;
  sender?: string;
  server_url: string;
  apikey: string;
}

export interface Emitted {
  envelope: Envelope;
  record: WebhookRecord;
}

/** "MESSAGES_UPSERT" and "messages.upsert" are the same event. */
export const normaliseEvent = (e: string): string => e.trim().toLowerCase().replace(/_/g, '.');

export function subscribed(inst: Instance, event: EventName): boolean {
  const hook = inst.webhook;
  if (!hook || !hook.enabled || !hook.url) return false;
  return hook.events.length === 0 || hook.events.some((e) => normaliseEvent(e) === event);
}

export function buildEnvelope(state: FakeEvolutionState, inst: Instance, event: EventName, data: unknown, url: string): Envelope {
  return {
    event,
    instance: inst.name,
    data,
    destination: url,
    date_time: saoPauloIso(Date.now()),
    // Evolution sends its wuid, unknown (so absent) until the phone has connected once.
    ...(inst.connectedOnce ? { sender: ownerJid(inst) } : {}),
    server_url: state.serverUrl,
    apikey: inst.token,
  };
}

/** With webhook base64 on, Evolution adds the media file to the message as `message.base64`. */
export function webhookMessage(inst: Instance, stored: StoredMessage): MessageRaw {
  if (!inst.webhook?.webhookBase64 || !stored.media) return stored.raw;
  return { ...stored.raw, message: { ...stored.raw.message, base64: stored.media.bytes.toString('base64') } };
}

const ok = (status: number | null) => status !== null && status >= 200 && status < 300;

async function post(state: FakeEvolutionState, url: string, headers: Record<string, string>, body: string) {
  const signal = AbortSignal.any([AbortSignal.timeout(state.config.webhookTimeoutMs), state.runtime.abort.signal]);
  try {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body, signal });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  } catch (err) {
    return { status: null, error: err instanceof Error ? err.message : String(err) };
  }
}

async function deliver(state: FakeEvolutionState, inst: Instance, envelope: Envelope, url: string): Promise<WebhookRecord> {
  const record: WebhookRecord = {
    seq: ++state.seq, event: envelope.event, instance: inst.name, url, status: null, attempts: 0, at: new Date().toISOString(),
  };
  state.webhooks.push(record);
  const body = JSON.stringify(envelope);
  const headers = inst.webhook?.headers ?? {};
  for (let attempt = 0; attempt <= state.config.webhookRetries && !state.runtime.closed; attempt++) {
    if (attempt > 0) await sleep(state, 100 * 2 ** (attempt - 1));
    if (state.runtime.closed) break;
    const res = await post(state, url, headers, body);
    record.attempts = attempt + 1;
    record.status = res.status;
    if (res.error) record.error = res.error;
    else delete record.error;
    if (ok(res.status)) break;
  }
  return record;
}

/**
 * Queues one event for the instance's webhook. Resolves when it was delivered (or given up on), with the envelope
 * and the delivery record; null when the instance has no webhook for this event.
 */
export function emit(state: FakeEvolutionState, inst: Instance, event: EventName, data: unknown): Promise<Emitted | null> {
  if (!subscribed(inst, event) || state.runtime.closed) return Promise.resolve(null);
  const hook = inst.webhook!;
  const url = hook.webhookByEvents ? `${hook.url.replace(/\/$/, '')}/${event.replace(/\./g, '-')}` : hook.url;
  const envelope = buildEnvelope(state, inst, event, data, url);
  const run = inst.queue.then(() => deliver(state, inst, envelope, url));
  inst.queue = run.catch(() => undefined);
  return track(state, async () => ({ envelope, record: await run })).then((r) => r ?? null);
}
