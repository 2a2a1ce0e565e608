import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations';
import { idV7, tstz } from './ids';
import { users, tenantId } from './platform';

/**
 * Legal holds on conversations, with their history (who placed and lifted each, when, why). The hold in force is the
 * row not lifted yet; conversations.legal_hold mirrors it so retention and erasure read one column.
 */
export const legalHolds = pgTable(
  'legal_holds',
  {
    id: idV7(),
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    placedBy: uuid('placed_by').references(() => users.id, { onDelete: 'set null' }),
    placedAt: tstz('placed_at').notNull().defaultNow(),
    liftedBy: uuid('lifted_by').references(() => users.id, { onDelete: 'set null' }),
    liftedAt: tstz('lifted_at'),
    liftReason: text('lift_reason'),
  },
  (t) => [
    index('legal_holds_org_conversation_idx').on(t.organizationId, t.conversationId, t.placedAt),
    uniqueIndex('legal_holds_active_uq').on(t.organizationId, t.conversationId).where(sql`${t.liftedAt} is null`),
  ],
);
export type LegalHold = typeof legalHolds.$inferSelect;
