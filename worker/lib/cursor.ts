// Keyset pagination cursors: opaque base64url of (created_at, id) of the last row on the page.
import { z } from 'zod';
import { badRequest } from '../errors';
import { isoInstant } from '../schemas/common';

const cursorShape = z.object({ t: isoInstant, id: z.uuid() });
export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  const json = JSON.stringify({ t: row.createdAt.toISOString(), id: row.id });
  return btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const json = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed = cursorShape.parse(JSON.parse(json));
    return { createdAt: new Date(parsed.t), id: parsed.id };
  } catch {
    throw badRequest('cursor is not valid', 'invalid_cursor');
  }
}

/**
 * Takes `limit + 1` rows from the query and turns them into `{ data, nextCursor }`; `keyOf` gives the (time, id) the
 * query's keyset compares, when its order is not created_at.
 */
export function page<T extends { id: string }>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => { createdAt: Date; id: string } = (row) => row as unknown as { createdAt: Date; id: string },
) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

export const limitParam = z.coerce.number().int().min(1).max(100).default(50);
