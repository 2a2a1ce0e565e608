// Outgoing webhooks, two steps on the outbound queue:
//   webhook.events  — a batch of one organisation's events (worker/webhooks-out/emit.ts): find the enabled endpoints
//                     that subscribe, store one delivery per (endpoint, event), queue one webhook.deliver for each;
//   webhook.deliver — POST one delivery, signed; log the attempt; retry with exponential backoff on failure.
// An endpoint whose attempts have failed without a success for 24 hours is disabled and its organisation's admins
// are mailed. Deliveries are independent messages, so a slow or dead receiver never holds up another endpoint.
import type { Db } from '../worker/db/client';
import { withOrg } from '../worker/db/tx';
import { deliveryToSend, disableFailingEndpoint, failDelivery, fanOut, recordAttempt, type AttemptOutcome } from '../worker/domain/webhook-endpoints';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { mailerFor } from '../worker/mail/mailer';
import { signatureHeader } from '../worker/webhooks-out/sign';
import type { Typed } from '.';
import { QUEUE_NAMES } from './messages';
import { retryBase, retryOrDeadLetter } from './retry';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Tries per delivery: with the backoff below, ~20 hours from the first to the last. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
export const DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;
const SNIPPET_BYTES = 1024;

/** base·5^(attempt-1) seconds, capped at 3 hours (under the queue's 12-hour delay limit): 2 s, 10 s, 50 s, 4 min, 21 min, 1.7 h, 3 h… */
export function webhookRetryDelay(attempt: number, baseSeconds: number): number {
  if (baseSeconds <= 0) return 0;
  return Math.min(3 * 3600, Math.round(baseSeconds * 5 ** Math.min(attempt - 1, 10)));
}

export async function fanOutWebhookEvents(items: Typed<'webhook.events'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    try {
      const ids = await withOrg(db, body.organizationId, (tx) => fanOut(tx, body.organizationId, body.events));
      if (ids.length) {
        await env.OUTBOUND_QUEUE.sendBatch(ids.map((deliveryId) => ({ body: { type: 'webhook.deliver', organizationId: body.organizationId, deliveryId }, contentType: 'json' as const })));
      }
      message.ack();
    } catch (err) {
      // Rows already stored are not stored twice on retry (unique per endpoint and event), and are then queued again.
      log.error('webhook fan-out failed', { ...errorFields(err), orgId: body.organizationId });
      await retryOrDeadLetter(env, QUEUE_NAMES.outbound, message, err);
    }
  }
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
  const started = Date.now();
  try {
    // No redirects: a 3xx is the receiver's answer (and a failure), never a hop to somewhere we did not check.
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    const text = await res.text().catch(() => '');
    const bytes = new TextEncoder().encode(text);
    const snippet = bytes.length > SNIPPET_BYTES ? new TextDecoder().decode(bytes.slice(0, SNIPPET_BYTES)).replace(/\uFFFD$/, '') : text;
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, latencyMs: Date.now() - started, responseSnippet: snippet || null, error: ok ? null : `HTTP ${res.status}`, ok };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { statusCode: null, latencyMs: Date.now() - started, responseSnippet: null, error: timedOut ? `timeout after ${WEBHOOK_TIMEOUT_MS} ms` : String((err as Error)?.message ?? err).slice(0, 500), ok: false };
  }
}

export async function deliverWebhooks(items: Typed<'webhook.deliver'>[], env: Env, db: Db, log: Logger): Promise<void> {
  await Promise.all(
    items.map(async ({ message, body }) => {
      const orgId = body.organizationId;
      try {
        const d = await withOrg(db, orgId, (tx) => deliveryToSend(tx, env, orgId, body.deliveryId));
        // Gone (endpoint deleted), already delivered, or the endpoint was switched off: nothing to send.
        if (!d || d.state === 'succeeded' || !d.enabled) {
          if (d && !d.enabled && d.state === 'pending') await withOrg(db, orgId, (tx) => failDelivery(tx, orgId, d.id));
          message.ack();
          return;
        }
        const attempt = d.attempts + 1;
        const t = Math.floor(Date.now() / 1000);
        const outcome = await post(
          d.url,
          {
            'content-type': 'application/json',
            'user-agent': 'Conversa-Webhooks/1',
            'x-conversa-event': d.eventType,
            'x-conversa-delivery': d.id,
            'x-conversa-signature': await signatureHeader(d.secret, d.body, t),
          },
          d.body,
        );
        const lastTry = attempt >= WEBHOOK_MAX_ATTEMPTS;
        const { failingForMs } = await withOrg(db, orgId, (tx) => recordAttempt(tx, orgId, d, attempt, outcome, !outcome.ok && lastTry));
        if (outcome.ok) return message.ack();
        if (failingForMs >= DISABLE_AFTER_MS) {
          await disableAndTell(env, db, orgId, d.endpointId, d.id, log);
          return message.ack();
        }
        if (lastTry) return message.ack();
        message.retry({ delaySeconds: webhookRetryDelay(attempt, retryBase(env)) });
      } catch (err) {
        // Our side failed (database, secret): the usual transient/permanent handling, not a receiver failure.
        log.error('webhook delivery failed', { ...errorFields(err), orgId, deliveryId: body.deliveryId });
        await retryOrDeadLetter(env, QUEUE_NAMES.outbound, message, err);
      }
    }),
  );
}

async function disableAndTell(env: Env, db: Db, orgId: string, endpointId: string, deliveryId: string, log: Logger) {
  const reason = 'Falhou continuamente por 24 horas';
  const disabled = await withOrg(db, orgId, async (tx) => {
    await failDelivery(tx, orgId, deliveryId);
    return disableFailingEndpoint(tx, orgId, endpointId, reason);
  });
  if (!disabled) return;
  log.warn('webhook endpoint disabled after 24 h of failures', { orgId, endpointId });
  const mailer = mailerFor(env, db);
  for (const to of disabled.admins) {
    await mailer
      .send({
        to,
        kind: 'webhook_endpoint_disabled',
        subject: 'Webhook desativado no Conversa',
        text: [
          `O endpoint de webhook ${disabled.url} falhou em todas as entregas nas últimas 24 horas e foi desativado.`,
          'Corrija o receptor e reative-o em Configurações → Webhooks; as entregas que falharam podem ser reenviadas de lá.',
        ].join('\n\n'),
      })
      .catch((err) => log.error('webhook disable mail failed', { ...errorFields(err), to }));
  }
}
