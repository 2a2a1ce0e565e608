import { getTableColumns, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { contacts } from './contacts';
import { conversations } from './conversations';
import { mediaStatusEnum, messageDirectionEnum, messageKindEnum, messageStatusEnum } from './enums';
import { idRandom, idV7, timestamps, tstz } from './ids';
import { users, tenantId } from './platform';

/** Postgres full-text document; read only by search SQL. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const messages = pgTable(
  'messages',
  {
    id: idV7(),
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    direction: messageDirectionEnum('direction').notNull(),
    kind: messageKindEnum('kind').notNull(),
    // Private notes are agent-only and never sent to WhatsApp.
    isPrivate: boolean('is_private').notNull().default(false),
    body: text('body'),
    // Structured content: location, contacts, interactive, template params, referral.
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    mediaKey: text('media_key'), // R2 object key
    mediaMime: text('media_mime'),
    mediaSize: integer('media_size'),
    mediaFilename: text('media_filename'),
    mediaStatus: mediaStatusEnum('media_status').notNull().default('none'),
    providerMessageId: text('provider_message_id'),
    replyToMessageId: uuid('reply_to_message_id').references((): AnyPgColumn => messages.id, {
      onDelete: 'set null',
    }),
    // Kept when the quoted message is unknown locally (e.g. older than our history).
    replyToProviderId: text('reply_to_provider_id'),
    status: messageStatusEnum('status').notNull(),
    errorCode: integer('error_code'),
    errorTitle: text('error_title'),
    errorDetail: text('error_detail'),
    senderUserId: uuid('sender_user_id').references(() => users.id, { onDelete: 'set null' }),
    // Idempotency key from the agent's client, so retried sends don't duplicate.
    clientId: text('client_id'),
    // The outbound consumer's claim before it calls the Graph API (queues/outbound.ts): a message with a lease is
    // being sent by attempt `send_attempt_id` and no other delivery may send it; an expired one is resolved by the
    // sweeper (worker/jobs/outbound-sweeper.ts).
    sendLeaseUntil: tstz('send_lease_until'),
    sendAttemptId: uuid('send_attempt_id'),
    providerTimestamp: tstz('provider_timestamp'),
    sentAt: tstz('sent_at'),
    deliveredAt: tstz('delivered_at'),
    readAt: tstz('read_at'),
    failedAt: tstz('failed_at'),
    ...timestamps(),
    deletedAt: tstz('deleted_at'),
    // Marked important by an agent (who, when): retention keeps the conversation while it has one (jobs/retention.ts).
    importantAt: tstz('important_at'),
    importantBy: uuid('important_by').references(() => users.id, { onDelete: 'set null' }),
    // The body's Portuguese, unaccented document for full-text search (GIN index messages_search_vector_idx and
    // statistics target 500, both SQL-only). Bodies are encrypted, so writers set it from the plaintext
    // (`searchDocument`, migration 0030); a plaintext body gets it from the trigger.
    searchVector: tsvector('search_vector'),
  },
  (t) => [
    uniqueIndex('messages_org_provider_id_uq')
      .on(t.organizationId, t.providerMessageId)
      .where(sql`${t.providerMessageId} is not null`),
    uniqueIndex('messages_org_client_id_uq')
      .on(t.organizationId, t.clientId)
      .where(sql`${t.clientId} is not null`),
    // nullsFirst: drizzle-kit emits DESC NULLS LAST otherwise, which a plain `ORDER BY x DESC` cannot use.
    index('messages_org_conv_created_idx').on(
      t.organizationId,
      t.conversationId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // The chat's order: WhatsApp's own time of an inbound message, arrival otherwise (listMessages).
    index('messages_org_conv_time_idx').on(
      t.organizationId,
      t.conversationId,
      sql`coalesce(${t.providerTimestamp}, ${t.createdAt}) desc`,
      t.id.desc().nullsFirst(),
    ),
    // Outbound messages not yet accepted by Meta: the per-conversation send order and the sweeper read only these.
    index('messages_outbound_unsent_idx')
      .on(t.organizationId, t.conversationId, t.createdAt, t.id)
      .where(sql`${t.status} = 'queued' and ${t.direction} = 'outbound' and ${t.providerMessageId} is null and not ${t.isPrivate}`),
    index('messages_org_conv_important_idx').on(t.organizationId, t.conversationId).where(sql`${t.importantAt} is not null`),
  ],
);
/** Every column the app reads: all but the search document, which only search SQL touches (it is large). */
export const { searchVector: _searchVector, ...messageColumns } = getTableColumns(messages);
export type Message = Omit<typeof messages.$inferSelect, 'searchVector'>;
export type NewMessage = typeof messages.$inferInsert;

// One reaction per reactor per message: from the contact (WhatsApp) or from an agent.
export const messageReactions = pgTable(
  'message_reactions',
  {
    id: idRandom(),
    organizationId: tenantId(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    providerMessageId: text('provider_message_id'),
    // Same claim as messages.send_lease_until, for the agent's reaction (queues/outbound-reactions.ts).
    sendLeaseUntil: tstz('send_lease_until'),
    sendAttemptId: uuid('send_attempt_id'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('message_reactions_contact_uq')
      .on(t.messageId, t.contactId)
      .where(sql`${t.contactId} is not null`),
    uniqueIndex('message_reactions_user_uq')
      .on(t.messageId, t.userId)
      .where(sql`${t.userId} is not null`),
    index('message_reactions_org_message_idx').on(t.organizationId, t.messageId),
    // Agents' reactions WhatsApp has not confirmed yet: the sweeper reads only these.
    index('message_reactions_unsent_idx')
      .on(t.updatedAt)
      .where(sql`${t.userId} is not null and ${t.providerMessageId} is null`),
  ],
);
export type MessageReaction = typeof messageReactions.$inferSelect;
export type NewMessageReaction = typeof messageReactions.$inferInsert;

/**
 * Statuses (delivered, read, …) that arrived before the send they describe was recorded: kept by wamid until the
 * outbound consumer records it (then applied in the same transaction) or, if it never is (a message sent by another
 * app on the same number), dropped after a week by the every-minute job.
 */
export const pendingStatuses = pgTable(
  'pending_statuses',
  {
    organizationId: tenantId(),
    providerMessageId: text('provider_message_id').notNull(),
    status: text('status').notNull(),
    /** The normalised status event as ingest saw it (timestamp as ISO text). */
    event: jsonb('event').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pending_statuses_org_wamid_status_uq').on(t.organizationId, t.providerMessageId, t.status),
    index('pending_statuses_created_idx').on(t.createdAt),
  ],
);
