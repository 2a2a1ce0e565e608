import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels';
import { createdAt, idRandom, timestamps, tstz } from './ids';
import { users, tenantId } from './platform';
import type { TemplateComponent } from '../../schemas/channels';

export const labels = pgTable(
  'labels',
  {
    id: idRandom(),
    organizationId: tenantId(),
    name: text('name').notNull(),
    color: text('color').notNull().default('#6b7280'),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('labels_org_name_lower_uq').on(t.organizationId, sql`lower(${t.name})`)],
);
export type Label = typeof labels.$inferSelect;
export type NewLabel = typeof labels.$inferInsert;

export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: idRandom(),
    organizationId: tenantId(),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  (t) => [uniqueIndex('canned_responses_org_shortcut_lower_uq').on(t.organizationId, sql`lower(${t.shortcut})`)],
);
export type CannedResponse = typeof cannedResponses.$inferSelect;
export type NewCannedResponse = typeof cannedResponses.$inferInsert;

// Mirror of the WhatsApp templates approved for a channel (synced from Meta).
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: idRandom(),
    organizationId: tenantId(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    providerTemplateId: text('provider_template_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category'),
    status: text('status'),
    components: jsonb('components').$type<TemplateComponent[]>(),
    syncedAt: tstz('synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('message_templates_channel_name_lang_uq').on(t.channelId, t.name, t.language),
    index('message_templates_org_channel_idx').on(t.organizationId, t.channelId),
  ],
);
export type MessageTemplate = typeof messageTemplates.$inferSelect;
export type NewMessageTemplate = typeof messageTemplates.$inferInsert;
