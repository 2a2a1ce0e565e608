// Raw rows of the one-statement writes (tx.execute) back into the shape drizzle's builder returns: snake_case columns
// to the schema's keys, each value through its column's own decoding (drizzle keeps timestamps as text on the wire).
import { sql, type SQL } from 'drizzle-orm';
import { messageColumns, type Message } from '../../worker/db/schema';

const columns = Object.entries(messageColumns).map(([key, column]) => ({ key, name: column.name, decode: (v: unknown) => column.mapFromDriverValue(v as never) as unknown }));

/** `id, organization_id, …` — every column the app reads, for a RETURNING or a SELECT of messages (qualified by `alias`). */
export function messageColumnList(alias?: string): SQL {
  return sql.join(
    columns.map((c) => (alias ? sql`${sql.identifier(alias)}.${sql.identifier(c.name)}` : sql.identifier(c.name))),
    sql`, `,
  );
}

/** The same list with every column null but those given (by column name), for rows that are not messages in a UNION with them. */
export function nullMessageColumns(kept: Record<string, SQL>): SQL {
  return sql.join(
    columns.map((c) => kept[c.name] ?? sql`null`),
    sql`, `,
  );
}

export function messageFromRow(row: Record<string, unknown>): Message {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = row[c.name];
    out[c.key] = value === null || value === undefined ? null : c.decode(value);
  }
  return out as Message;
}
