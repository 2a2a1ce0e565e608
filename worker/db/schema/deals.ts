import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  date,
  index,
  integer,
  pgTable,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { contacts } from './contacts';
import { conversations } from './conversations';
import { dealStatusEnum } from './enums';
import { idRandom, idV7, timestamps, tstz } from './ids';
import { users, tenantId } from './platform';

export const pipelines = pgTable(
  'pipelines',
  {
    id: idRandom(),
    organizationId: tenantId(),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    position: integer('position').notNull().default(0),
    ...timestamps(),
  },
  (t) => [index('pipelines_org_position_idx').on(t.organizationId, t.position)],
);
export type Pipeline = typeof pipelines.$inferSelect;
export type NewPipeline = typeof pipelines.$inferInsert;

export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    id: idRandom(),
    organizationId: tenantId(),
    pipelineId: uuid('pipeline_id')
      .notNull()
      .references(() => pipelines.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    probability: integer('probability'), // 0–100, for weighted forecasts
    ...timestamps(),
  },
  (t) => [index('pipeline_stages_org_pipeline_pos_idx').on(t.organizationId, t.pipelineId, t.position)],
);
export type PipelineStage = typeof pipelineStages.$inferSelect;
export type NewPipelineStage = typeof pipelineStages.$inferInsert;

export const deals = pgTable(
  'deals',
  {
    id: idV7(),
    organizationId: tenantId(),
    // Restrict: deals must be moved before a pipeline or stage is removed.
    pipelineId: uuid('pipeline_id')
      .notNull()
      .references(() => pipelines.id, { onDelete: 'restrict' }),
    stageId: uuid('stage_id')
      .notNull()
      .references(() => pipelineStages.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    // Integer cents: no float rounding; 'number' is exact up to 2^53 cents.
    valueCents: bigint('value_cents', { mode: 'number' }).notNull().default(0),
    currency: char('currency', { length: 3 }).notNull().default('BRL'),
    status: dealStatusEnum('status').notNull().default('open'),
    lostReason: text('lost_reason'),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    closedAt: tstz('closed_at'),
    ...timestamps(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    index('deals_org_pipeline_stage_idx').on(t.organizationId, t.pipelineId, t.stageId),
    index('deals_org_contact_idx').on(t.organizationId, t.contactId),
    // Retention keeps conversations linked to an open deal (jobs/retention.ts).
    index('deals_org_conversation_open_idx')
      .on(t.organizationId, t.conversationId)
      .where(sql`${t.status} = 'open' and ${t.deletedAt} is null and ${t.conversationId} is not null`),
  ],
);
export type Deal = typeof deals.$inferSelect;
export type NewDeal = typeof deals.$inferInsert;

export const dealStageHistory = pgTable(
  'deal_stage_history',
  {
    id: idV7(),
    organizationId: tenantId(),
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    // Null from_stage_id = deal created; set null keeps history when a stage is removed.
    fromStageId: uuid('from_stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    toStageId: uuid('to_stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    movedBy: uuid('moved_by').references(() => users.id, { onDelete: 'set null' }),
    movedAt: tstz('moved_at').notNull().defaultNow(),
  },
  (t) => [index('deal_stage_history_org_deal_idx').on(t.organizationId, t.dealId, t.movedAt)],
);
export type DealStageHistory = typeof dealStageHistory.$inferSelect;
export type NewDealStageHistory = typeof dealStageHistory.$inferInsert;
