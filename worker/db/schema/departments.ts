import { sql } from 'drizzle-orm';
import { pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idV7 } from './ids';
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
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.userId] })],
);
