import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels';
import { conversations } from './conversations';
import { idV7, tstz } from './ids';
import { tenantId, users } from './platform';

/**
 * The satisfaction survey of a resolved conversation (worker/service-desk/csat.ts): asked once per conversation when a
 * person resolves it; the customer's 1–5 rating, then an optional comment. `agent_id` is whoever had it when it was
 * resolved, so the rating counts for them even if it is reassigned later. A survey is open while `expires_at` is in
 * the future and it still waits for a rating or a comment; a reply that is no answer closes it (expires_at = now).
 */
export const csatResponses = pgTable(
  'csat_responses',
  {
    id: idV7(),
    organizationId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').references(() => users.id, { onDelete: 'set null' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    askedAt: tstz('asked_at').notNull().defaultNow(),
    rating: integer('rating'),
    comment: text('comment'),
    answeredAt: tstz('answered_at'),
    commentedAt: tstz('commented_at'),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('csat_responses_conversation_uq').on(t.conversationId),
    // The team list's averages: one agent's answered ratings over a period.
    index('csat_responses_org_agent_idx').on(t.organizationId, t.agentId, t.answeredAt),
    // Matching a reply: the channel's open surveys (the contact comes through the conversation).
    index('csat_responses_open_idx').on(t.organizationId, t.channelId, t.expiresAt).where(sql`${t.commentedAt} is null`),
    check('csat_responses_rating_ck', sql`${t.rating} between 1 and 5`),
  ],
);
export type CsatResponse = typeof csatResponses.$inferSelect;
