// Encryption at rest checks (issue 21 §4): where a piece of text can still be found in the database.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { testDb } from './harness';

/** Tables whose rows (as JSON, without the search document — the one plaintext-derived column) contain the needle. */
export async function plaintextHits(db: ReturnType<typeof testDb>['db'], needle: string): Promise<string[]> {
  const tables = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  expect(tables.rows.length).toBeGreaterThan(30);
  const hits: string[] = [];
  for (const { table_name } of tables.rows) {
    const res = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier('public')}.${sql.identifier(table_name)} x where strpos((to_jsonb(x) - 'search_vector')::text, ${needle}) > 0`,
    );
    if (res.rows[0]!.n > 0) hits.push(table_name);
  }
  return hits;
}
