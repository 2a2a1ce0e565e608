import { index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations';
import { idV7, createdAt, tstz } from './ids';
import { messages } from './messages';
import { tenantId, users } from './platform';

/**
 * A member's notification centre: a colleague mentioned them in a private note, or gave them a conversation. Kept
 * until read (and with the conversation), so an agent who was away finds them.
 */
export const userNotifications = pgTable(
  'user_notifications',
  {
    id: idV7(),
    organizationId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** mention | assigned */
    kind: text('kind').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    readAt: tstz('read_at'),
  },
  (t) => [index('user_notifications_org_user_created_idx').on(t.organizationId, t.userId, t.createdAt.desc().nullsFirst())],
);
export type UserNotification = typeof userNotifications.$inferSelect;

/**
 * Where each member stands in a conversation they opened: read for them only (a colleague opening the chat does not
 * clear it for the assignee). The conversation's own `unread_count` stays the count for members with no row here,
 * and is cleared only when the assignee (or anyone, while unassigned) reads — the read that also sends WhatsApp's
 * blue ticks.
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    unreadCount: integer('unread_count').notNull().default(0),
    readAt: tstz('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] })],
);
