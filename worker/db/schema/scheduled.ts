import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations';
import { idV7, timestamps, tstz } from './ids';
import { messages } from './messages';
import { tenantId, users } from './platform';

/** scheduled → sending (claimed by the cron) → sent; or cancelled by an agent, or failed with the reason. */
export const scheduledMessageStatusEnum = pgEnum('scheduled_message_status', ['scheduled', 'sending', 'sent', 'cancelled', 'failed']);
export type ScheduledMessageStatus = (typeof scheduledMessageStatusEnum.enumValues)[number];

/** What Meta's Cloud API takes when the 24-hour window is closed (same shape as a template reply). */
export interface ScheduledTemplate {
  name: string;
  language: string;
  components?: Record<string, unknown>[];
}

/**
 * A message an agent wrote now for later (worker/domain/scheduled-messages.ts): sent by the every-minute cron through
 * the normal outbound path as the message `scheduled:<id>`, so a retry after a crash never sends it twice.
 */
export const scheduledMessages = pgTable(
  'scheduled_messages',
  {
    id: idV7(),
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    sendAt: tstz('send_at').notNull(),
    body: text('body').notNull(),
    /** Sent instead of the text when the window is closed at send time (Meta channels only). */
    template: jsonb('template').$type<ScheduledTemplate>(),
    status: scheduledMessageStatusEnum('status').notNull().default('scheduled'),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    error: text('error'),
    ...timestamps(),
  },
  (t) => [
    // The cron's scan (cross-tenant): only rows still to send, by time.
    index('scheduled_messages_due_idx').on(t.sendAt).where(sql`${t.status} in ('scheduled', 'sending')`),
    index('scheduled_messages_org_conversation_idx').on(t.organizationId, t.conversationId, t.sendAt),
  ],
);
export type ScheduledMessage = typeof scheduledMessages.$inferSelect;
