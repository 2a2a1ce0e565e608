import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idV7, tstz } from './ids';
import { organizations, tenantId } from './platform';

// Queue messages that exhausted their retries; replayed by hand from the admin side.
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: idV7(),
    // Cascade: bodies hold tenant message data, which must go when the organisation is purged.
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    queue: text('queue').notNull(),
    messageId: text('message_id'),
    body: jsonb('body'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    replayedAt: tstz('replayed_at'),
  },
  (t) => [index('dead_letters_queue_created_idx').on(t.queue, t.createdAt.desc().nullsFirst())],
);
export type DeadLetter = typeof deadLetters.$inferSelect;
export type NewDeadLetter = typeof deadLetters.$inferInsert;

export const retentionRuns = pgTable(
  'retention_runs',
  {
    id: idV7(),
    organizationId: tenantId(),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    softDeleted: integer('soft_deleted').notNull().default(0),
    hardDeleted: integer('hard_deleted').notNull().default(0),
    status: text('status').notNull().default('running'),
    error: text('error'),
    // Conversations due for hiding or deletion that an exclusion kept (each counted under the first that applies).
    keptLegalHold: integer('kept_legal_hold').notNull().default(0),
    keptImportant: integer('kept_important').notNull().default(0),
    keptOpenDeal: integer('kept_open_deal').notNull().default(0),
  },
  (t) => [index('retention_runs_org_started_idx').on(t.organizationId, t.startedAt.desc().nullsFirst())],
);
export type RetentionRun = typeof retentionRuns.$inferSelect;
export type NewRetentionRun = typeof retentionRuns.$inferInsert;

// Webhook events we could not route to an organisation (unknown phone_number_id, or a status for a message we
// never sent). Kept, never dropped silently: a platform admin can see and replay them.
export const unroutableEvents = pgTable(
  'unroutable_events',
  {
    id: idV7(),
    phoneNumberId: text('phone_number_id'),
    reason: text('reason').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('unroutable_events_phone_created_idx').on(t.phoneNumberId, t.createdAt.desc().nullsFirst())],
);
export type UnroutableEvent = typeof unroutableEvents.$inferSelect;
