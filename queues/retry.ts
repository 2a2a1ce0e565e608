// When a consumer fails, wait out what passes (the database restarting or unreachable, a connection reset, Neon
// waking up, a deadlock) and give up at once on what never will (a body we cannot read, data Postgres refuses).
// Transient failures retry with capped exponential backoff and jitter; with `max_retries = 100` (wrangler.toml)
// that rides out hours of outage before anything is dead-lettered. Permanent ones go to the dead-letter queue on
// the first failure, with their reason.
import type { Env } from '../worker/env';
import { rootMessage } from '../worker/lib/log';
import { noteFailure } from './db-gate';
import { meterGaveUp } from './metrics';
import type { DeadLetterEnvelope } from './messages';

/** Seconds; tests set QUEUE_RETRY_BASE_SECONDS=0 to retry at once. */
export const retryBase = (env: Pick<Env, 'QUEUE_RETRY_BASE_SECONDS'>) => Number(env.QUEUE_RETRY_BASE_SECONDS ?? 2);

/** The longest wait between two tries: short enough to drain soon after an outage ends. */
export const MAX_RETRY_DELAY_SECONDS = 120;

/**
 * base·2^(attempts-1), capped, with "equal jitter" (half fixed, half random) so a backlog that failed together does
 * not come back together. `attempts` is the delivery count of the message (1 on its first delivery).
 */
export function retryDelay(attempts: number, baseSeconds = 2, random: () => number = Math.random): number {
  if (baseSeconds <= 0) return 0;
  const ceiling = Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.min(Math.max(attempts - 1, 0), 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** SQLSTATE classes that no retry will change: data exceptions, integrity violations, syntax/undefined objects. */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);

/** An error the code knows will never succeed on retry (e.g. a body that does not parse). */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/**
 * Permanent only when we are sure: our own PermanentError or a Postgres SQLSTATE of the classes above, anywhere in
 * the cause chain (drizzle wraps driver errors). Everything else — refused or reset connections, timeouts, WebSocket
 * closes, 08/53/57/40 SQLSTATEs, unknown errors — is transient: retrying something permanent costs retries, dropping
 * something transient loses a customer's message.
 */
export function isTransient(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PermanentError) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return !PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  }
  return true;
}

/** Retry a message after a failure: backoff when transient, straight to the dead-letter queue when not. */
export async function retryOrDeadLetter(env: Env, queue: string, message: Message<unknown>, err: unknown): Promise<void> {
  noteFailure(err);
  if (isTransient(err)) message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
  else await deadLetterNow(env, queue, message, reasonOf(err));
}

/**
 * Sends a message to the dead-letter queue with its reason, then acks it. When even that send fails, the message is
 * retried instead: it is never acked without a copy somewhere.
 */
export async function deadLetterNow(env: Env, queue: string, message: Message<unknown>, reason: string): Promise<void> {
  const envelope: DeadLetterEnvelope = { type: 'dead.letter', queue, messageId: message.id, attempts: message.attempts, reason, body: message.body };
  try {
    await env.DEAD_LETTER_QUEUE.send(envelope, { contentType: 'json' });
    meterGaveUp(queue);
    message.ack();
  } catch {
    message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
  }
}

export function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return `${err instanceof Error ? err.name : 'Error'}${typeof code === 'string' ? ` ${code}` : ''}: ${rootMessage(err)}`.slice(0, 500);
}
