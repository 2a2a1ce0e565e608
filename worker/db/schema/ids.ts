import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { v7 as uuidv7 } from 'uuid';

// v7 ids are time-ordered: used where rows are paged/sorted by id (messages, conversations, logs).
export const idV7 = () => uuid('id').primaryKey().$defaultFn(() => uuidv7());
export const idRandom = () => uuid('id').primaryKey().defaultRandom();

// Millisecond precision, like JavaScript's Date: a timestamp read back and sent in a cursor compares equal.
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const createdAt = () => tstz('created_at').notNull().defaultNow();
export const updatedAt = () =>
  tstz('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

// A function, not a shared object, so every table gets its own column builders.
export const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });
