// Password resets asked for at POST /api/v1/auth/password-reset/request: the account looked up, the single-use token
// stored and the mail sent here, off the request (worker/auth/password-reset.ts does the work). A mail provider
// outage retries with backoff like any transient failure; a request older than the link's lifetime is dropped.
import type { Db } from '../worker/db/client';
import { RESET_TTL_MS, requestPasswordReset } from '../worker/auth/password-reset';
import type { Env } from '../worker/env';
import type { Logger } from '../worker/lib/log';
import { mailerFor } from '../worker/mail/mailer';
import { appLinkBase } from '../worker/lib/origins';
import type { Typed } from '.';
import { retryOrDeadLetter } from './retry';
import { QUEUE_NAMES } from './messages';

export async function sendPasswordResets(items: Typed<'auth.password_reset'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    if (Date.now() - Date.parse(body.requestedAt) > RESET_TTL_MS) {
      log.warn('password reset request expired in the queue: not sent', { requestedAt: body.requestedAt });
      message.ack();
      continue;
    }
    try {
      await requestPasswordReset(db, mailerFor(env, db), appLinkBase(env.APP_URL), body.email, { ip: body.ip, userAgent: body.userAgent });
      message.ack();
    } catch (err) {
      await retryOrDeadLetter(env, QUEUE_NAMES.outbound, message, err);
    }
  }
}
