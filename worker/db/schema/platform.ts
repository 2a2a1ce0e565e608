import { sql } from 'drizzle-orm';
import { boolean, char, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { idRandom, timestamps, tstz } from './ids';

export const organizations = pgTable('organizations', {
  id: idRandom(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique('organizations_slug_uq'),
  locale: text('locale').notNull().default('pt-BR'),
  timezone: text('timezone').notNull().default('America/Sao_Paulo'),
  currency: char('currency', { length: 3 }).notNull().default('BRL'),
  retentionDays: integer('retention_days').notNull().default(730),
  retentionEnabled: boolean('retention_enabled').notNull().default(true),
  graceDays: integer('grace_days').notNull().default(30),
  /** Replying to an unassigned conversation makes the replier its assignee (worker/domain/send.ts). */
  assignOnReply: boolean('assign_on_reply').notNull().default(true),
  ...timestamps(),
  deletedAt: tstz('deleted_at'),
});
export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;

export const users = pgTable(
  'users',
  {
    id: idRandom(),
    email: text('email').notNull(),
    // Nullable: an invited user may not have given a name yet.
    name: text('name'),
    // Nullable: invited users set a password on acceptance.
    passwordHash: text('password_hash'),
    isSuperAdmin: boolean('is_super_admin').notNull().default(false),
    // Null = follow the organisation's locale.
    locale: text('locale'),
    lastLoginAt: tstz('last_login_at'),
    disabledAt: tstz('disabled_at'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('users_email_lower_uq').on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** The column every tenant table starts with: its organisation, deleted with it. */
export const tenantId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });
