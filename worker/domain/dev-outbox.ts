// Dev and tests only: the mail the outbox provider "sent" (worker/mail/), newest first.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { mailOutbox } from '../db/schema';

export async function listOutbox(db: Db, opts: { to?: string; limit: number }) {
  return db
    .select()
    .from(mailOutbox)
    .where(opts.to ? eq(mailOutbox.to, opts.to.toLowerCase()) : undefined)
    .orderBy(desc(mailOutbox.createdAt))
    .limit(opts.limit);
}
