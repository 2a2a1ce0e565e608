// Mail goes through one interface. Production: an HTTP mail API (Resend-compatible `POST /emails`, base URL
// configured). Dev and tests: the outbox table, shown by `npm run dev` at /dev/outbox.
import type { Db } from '../db/client';
import { mailOutbox } from '../db/schema';
import type { Env } from '../env';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function outboxMailer(db: Db): Mailer {
  return {
    async send(mail) {
      await db.insert(mailOutbox).values(mail);
    },
  };
}

export const MAIL_TIMEOUT_MS = 10_000;

export function httpMailer(cfg: { baseUrl: string; apiKey: string; from: string }): Mailer {
  return {
    async send(mail) {
      const res = await fetch(`${cfg.baseUrl.replace(/\/$/, '')}/emails`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cfg.apiKey}`, 'content-type': 'application/json' },
        // A mail provider that hangs must not hold the request (or the queue message) that sends.
        signal: AbortSignal.timeout(MAIL_TIMEOUT_MS),
        body: JSON.stringify({ from: cfg.from, to: [mail.to], subject: mail.subject, text: mail.text, html: mail.html }),
      });
      if (!res.ok) throw new Error(`mail provider answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
  };
}

export function mailerFor(env: Env, db: Db): Mailer {
  if (env.MAIL_PROVIDER === 'outbox') return outboxMailer(db);
  if (!env.MAIL_API_BASE_URL || !env.MAIL_API_KEY) throw new Error('MAIL_API_BASE_URL and MAIL_API_KEY are required');
  return httpMailer({ baseUrl: env.MAIL_API_BASE_URL, apiKey: env.MAIL_API_KEY, from: env.MAIL_FROM });
}
