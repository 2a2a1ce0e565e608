import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idV7, tstz } from './ids';
import { tenantId, users } from './platform';

/**
 * A department ("fila"): the menu bot routes customers into its queue, and its members see its unassigned
 * conversations. A conversation belongs to at most one (conversations.department_id).
 */
export const departments = pgTable(
  'departments',
  {
    id: idV7(),
    organizationId: tenantId(),
    name: text('name').notNull(),
    color: text('color').notNull().default('#1f7a5c'),
    greeting: text('greeting'),
    /** Round-robin its queue among members online and under `maxOpenPerAgent` open conversations. */
    autoAssign: boolean('auto_assign').notNull().default(false),
    maxOpenPerAgent: integer('max_open_per_agent').notNull().default(5),
    /** An automatically assigned conversation nobody answered in this many minutes goes back to the queue. */
    requeueAfterMinutes: integer('requeue_after_minutes'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('departments_org_name_lower_uq').on(t.organizationId, sql`lower(${t.name})`)],
);
export type Department = typeof departments.$inferSelect;

export const departmentMembers = pgTable(
  'department_members',
  {
    organizationId: tenantId(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The round robin's turn: the member assigned longest ago goes next. */
    lastAssignedAt: tstz('last_assigned_at'),
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.userId] })],
);
