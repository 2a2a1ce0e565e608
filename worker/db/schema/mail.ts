import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, idV7 } from './ids';

// Where the dev/test mail provider delivers: `npm run dev` shows it at /dev/outbox. Production mail goes to the
// HTTP provider and never lands here.
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: idV7(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    // What the mail is for (password_reset, invitation), so tests can find it.
    kind: text('kind').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('mail_outbox_to_created_idx').on(t.to, t.createdAt.desc().nullsFirst())],
);
export type MailOutboxEntry = typeof mailOutbox.$inferSelect;
