// Every table of the schema is in the personal-data inventory or declared free of it, and every column the inventory
// names exists: a new table or a renamed column fails here until the privacy report accounts for it.
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../db/schema';
import { NO_PERSONAL_DATA, PERSONAL_TABLES } from './inventory';

const tables = new Map<string, PgTable>();
for (const v of Object.values(schema) as unknown[]) if (is(v, PgTable)) tables.set(getTableName(v), v);

describe('personal data inventory', () => {
  it('classifies every table exactly once', () => {
    const personal = Object.keys(PERSONAL_TABLES);
    const classified = [...personal, ...NO_PERSONAL_DATA];
    expect(classified.filter((t, i) => classified.indexOf(t) !== i), 'listed twice').toEqual([]);
    expect([...tables.keys()].filter((t) => !classified.includes(t)).sort(), 'not in the inventory').toEqual([]);
    expect(classified.filter((t) => !tables.has(t)), 'not in the schema').toEqual([]);
  });

  it('names only columns that exist', () => {
    for (const [table, held] of Object.entries(PERSONAL_TABLES)) {
      const columns = Object.values(getTableColumns(tables.get(table)!)).map((c) => c.name);
      expect(held.columns.filter((c) => !columns.includes(c)), table).toEqual([]);
    }
  });
});
