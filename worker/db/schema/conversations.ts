import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels';
import { contacts } from './contacts';
import { labels } from './content';
import { departments } from './departments';
import { conversationStatusEnum } from './enums';
import { createdAt, idV7, timestamps, tstz } from './ids';
import { users, tenantId } from './platform';

export const conversations = pgTable(
  'conversations',
  {
    id: idV7(),
    organizationId: tenantId(),
    // Channels are disabled, not deleted, while conversations exist.
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'restrict' }),
    // Erasing a contact (LGPD) erases its conversations.
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: conversationStatusEnum('status').notNull().default('open'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    // The department's queue it waits in (the menu bot's choice, or a transfer); none: the general queue.
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    // The menu bot's conversation with the customer while it lasts: the menu shown, invalid replies so far.
    botState: jsonb('bot_state').$type<{ menu: 'root' | number; attempts: number }>(),
    // The customer wrote outside the channel's business hours; the out-of-hours message was sent (once).
    outOfHoursAt: tstz('out_of_hours_at'),
    // Given by the round robin (not by a person): requeued if nobody answers in the department's time.
    autoAssignedAt: tstz('auto_assigned_at'),
    snoozedUntil: tstz('snoozed_until'),
    // Start of WhatsApp's 24 h customer-service window.
    lastInboundAt: tstz('last_inbound_at'),
    lastMessageAt: tstz('last_message_at'),
    lastMessagePreview: text('last_message_preview'),
    // The oldest customer message nobody answered yet (null once an agent replies): the "waiting" sort.
    waitingSince: tstz('waiting_since'),
    unreadCount: integer('unread_count').notNull().default(0),
    important: boolean('important').notNull().default(false),
    // Exempts the conversation (and its messages) from retention purges.
    legalHold: boolean('legal_hold').notNull().default(false),
    resolvedAt: tstz('resolved_at'),
    /**
     * Reports (worker/domain/reports.ts): the first reply a person (or the business's phone) sent after the customer
     * wrote, and that customer message's time. Set once by the trigger of migration 0026 when such a reply is stored,
     * so first response times never scan messages.
     */
    firstInboundAt: tstz('first_inbound_at'),
    firstResponseAt: tstz('first_response_at'),
    /**
     * The first response and the resolution as durations in seconds, counting only the channel's business hours when
     * it has them on (wall-clock otherwise): computed by a trigger when first_response_at or resolved_at is set, with
     * the hours of that moment, so reports aggregate a column instead of walking calendars per request.
     */
    firstResponseSeconds: doublePrecision('first_response_seconds'),
    resolutionSeconds: doublePrecision('resolution_seconds'),
    ...timestamps(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    // nullsFirst matches a plain `ORDER BY last_message_at DESC` (drizzle-kit defaults DESC to NULLS LAST).
    index('conversations_org_status_last_msg_idx').on(
      t.organizationId,
      t.status,
      t.lastMessageAt.desc().nullsFirst(),
    ),
    // The inbox's sorts (worker/domain/conversations.ts listConversations): last message (or creation), waiting
    // longest, newest created; each with the id as tie-breaker, as the keyset cursors compare them.
    index('conversations_org_status_activity_idx').on(t.organizationId, t.status, sql`(coalesce(${t.lastMessageAt}, ${t.createdAt})) desc`, t.id.desc().nullsFirst()),
    index('conversations_org_activity_idx').on(t.organizationId, sql`(coalesce(${t.lastMessageAt}, ${t.createdAt})) desc`, t.id.desc().nullsFirst()),
    index('conversations_org_waiting_idx').on(t.organizationId, sql`coalesce(${t.waitingSince}, '9999-12-31 23:59:59.999+00'::timestamptz)`, t.id),
    index('conversations_org_created_idx').on(t.organizationId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('conversations_org_assignee_idx').on(t.organizationId, t.assigneeId),
    index('conversations_org_resolved_idx').on(t.organizationId, t.resolvedAt).where(sql`${t.resolvedAt} is not null`),
    index('conversations_org_contact_idx').on(t.organizationId, t.contactId),
    // At most one active conversation per channel × contact: makes find-or-open idempotent.
    uniqueIndex('conversations_active_uq')
      .on(t.organizationId, t.channelId, t.contactId)
      .where(sql`${t.status} <> 'resolved' and ${t.deletedAt} is null`),
    // The every-minute wake-up finds due snoozes across organisations without scanning every conversation.
    index('conversations_snoozed_due_idx').on(t.snoozedUntil).where(sql`${t.status} = 'snoozed'`),
  ],
);
export type Conversation = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;

export const conversationLabels = pgTable(
  'conversation_labels',
  {
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    labelId: uuid('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'conversation_labels_pk', columns: [t.conversationId, t.labelId] }),
    index('conversation_labels_org_label_idx').on(t.organizationId, t.labelId),
  ],
);
export type ConversationLabel = typeof conversationLabels.$inferSelect;
export type NewConversationLabel = typeof conversationLabels.$inferInsert;
