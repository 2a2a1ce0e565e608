// Every table of the schema is in the personal-data inventory or declared free of it, and every column the inventory
// names exists: a new table or a renamed column fails here until the privacy report accounts for it.
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../db/schema';
import { ENCRYPTED_AT_REST, NO_PERSONAL_DATA, OTHER_STORES, PERSONAL_TABLES, SEARCH_DOCUMENT } from './inventory';

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

  it('states encryption only of columns and stores it lists, and the search document beside the body it derives from', () => {
    const held = PERSONAL_TABLES as Record<string, { columns: readonly string[] }>;
    for (const [table, columns] of Object.entries(ENCRYPTED_AT_REST.postgres)) {
      expect(columns.filter((c) => !held[table]?.columns.includes(c)), table).toEqual([]);
    }
    const stores = OTHER_STORES.map((s) => `${s.store}:${s.what}`);
    expect(ENCRYPTED_AT_REST.stores.filter((s) => !stores.includes(s))).toEqual([]);
    expect(held[SEARCH_DOCUMENT.table]!.columns).toEqual(expect.arrayContaining([SEARCH_DOCUMENT.column, SEARCH_DOCUMENT.of]));
  });
});
