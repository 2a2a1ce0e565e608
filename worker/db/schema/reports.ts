import { bigint, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels';
import { messageDirectionEnum } from './enums';
import { tstz } from './ids';
import { tenantId } from './platform';

/**
 * Messages per channel, UTC hour and direction (reports: messages per day, busiest hours). Maintained by statement
 * triggers on messages (migration 0026): each insert or delete statement adds its rows' counts in one grouped upsert,
 * so a year of a busy tenant is a few thousand rows to sum instead of a million messages to count. Private notes and
 * the activity trail are not counted, as in the reports.
 */
export const messageCountsHourly = pgTable(
  'message_counts_hourly',
  {
    organizationId: tenantId(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    hour: tstz('hour').notNull(),
    direction: messageDirectionEnum('direction').notNull(),
    messages: bigint('messages', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'message_counts_hourly_pk', columns: [t.organizationId, t.hour, t.channelId, t.direction] })],
);
export type MessageCountHourly = typeof messageCountsHourly.$inferSelect;
