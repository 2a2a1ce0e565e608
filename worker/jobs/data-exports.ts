// Daily: access-request ZIPs whose 24-hour link has expired are deleted from R2 (they hold everything about a
// person), and so are the staged parts of exports that failed or never finished. The row stays, with
// file_deleted_at, so the link answers 410 and the audit trail keeps pointing at something.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { dataExports } from '../db/schema';
import { exportPrefix } from '../domain/data-exports';
import type { Env } from '../env';

/** An export not finished after this long is abandoned: its staged parts go. */
const ABANDONED_MS = 2 * 24 * 60 * 60 * 1000;
const BATCH = 500;

export async function sweepDataExports(env: Pick<Env, 'MEDIA'>, db: Db, now = new Date()): Promise<{ exports: number; objects: number }> {
  // Owner role (no tenant): the sweep runs across organisations, as the other daily jobs.
  const due = await db
    .select({ id: dataExports.id, organizationId: dataExports.organizationId })
    .from(dataExports)
    .where(
      and(
        isNull(dataExports.fileDeletedAt),
        or(lt(dataExports.expiresAt, now), and(inArray(dataExports.status, ['queued', 'running', 'failed']), lt(dataExports.createdAt, new Date(now.getTime() - ABANDONED_MS)))),
      ),
    )
    .limit(BATCH);
  let objects = 0;
  for (const row of due) {
    let cursor: string | undefined;
    do {
      const page = await env.MEDIA.list({ prefix: exportPrefix(row.organizationId, row.id), cursor, limit: 1000 });
      if (page.objects.length) await env.MEDIA.delete(page.objects.map((o) => o.key));
      objects += page.objects.length;
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    await db
      .update(dataExports)
      .set({ fileDeletedAt: now, status: sql`case when ${dataExports.status} in ('queued', 'running') then 'failed' else ${dataExports.status} end`, updatedAt: now })
      .where(eq(dataExports.id, row.id));
  }
  return { exports: due.length, objects };
}
