import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { actorTypeEnum } from './enums';
import { createdAt, idV7 } from './ids';
import { organizations, users } from './platform';

// Append-only. No tenant RLS: some events (failed login for an unknown e-mail) have no organisation.
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: idV7(),
    // Set null, not cascade: the trail must outlive the purge of an organisation.
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'set null' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorType: actorTypeEnum('actor_type').notNull(),
    /** The API key a request was made with (actor_type 'api_key'); actor_user_id is then the key's creator. No FK: the trail outlives the key. */
    actorApiKeyId: uuid('actor_api_key_id'),
    action: text('action').notNull(), // e.g. 'auth.login_failed'
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    // nullsFirst: matches a plain `ORDER BY created_at DESC, id DESC` (drizzle-kit defaults DESC to NULLS LAST).
    index('audit_logs_org_created_idx').on(t.organizationId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The entries about one contact, conversation or deal (LGPD export, erasure's scrub of earlier snapshots).
    index('audit_logs_org_target_idx').on(t.organizationId, t.targetId),
  ],
);
export type AuditLog = typeof auditLogs.$inferSelect;
export type NewAuditLog = typeof auditLogs.$inferInsert;
