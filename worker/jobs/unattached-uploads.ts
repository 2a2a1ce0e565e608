// Agents' uploads wait in R2 (outbound/<org>/…) until a message sends them, and then become that message's media.
// One never sent (the agent closed the chat, the send was refused) is personal data nothing points at: deleted
// here once older than UPLOAD_TTL_HOURS, long enough for any send (queued sends take seconds, scheduled messages
// carry text only).
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { messages } from '../db/schema';
import { asSystem } from '../db/tx';
import type { Env } from '../env';

export const UPLOADS_PREFIX = 'outbound/';
export const UPLOAD_TTL_HOURS = 24;

/** Deletes unattached uploads older than the limit, a listing page (1000) at a time; returns how many went. */
export async function sweepUnattachedUploads(env: Pick<Env, 'MEDIA'>, db: Db, now = new Date()): Promise<{ deleted: number }> {
  const before = now.getTime() - UPLOAD_TTL_HOURS * 3_600_000;
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.MEDIA.list({ prefix: UPLOADS_PREFIX, cursor, limit: 1000 });
    cursor = page.truncated ? page.cursor : undefined;
    const old = page.objects.filter((o) => o.uploaded.getTime() < before).map((o) => o.key);
    // Grouped by organisation (the key's second segment), so each lookup uses the organisation's messages only.
    const byOrg = new Map<string, string[]>();
    for (const key of old) {
      const org = key.split('/')[1] ?? '';
      byOrg.set(org, [...(byOrg.get(org) ?? []), key]);
    }
    for (const [org, keys] of byOrg) {
      if (!/^[0-9a-f-]{36}$/i.test(org)) continue;
      const attached = await asSystem(db, (tx) =>
        tx.select({ key: messages.mediaKey }).from(messages).where(and(eq(messages.organizationId, org), inArray(messages.mediaKey, keys))),
      );
      const sent = new Set(attached.map((a) => a.key));
      const orphans = keys.filter((k) => !sent.has(k));
      if (orphans.length) await env.MEDIA.delete(orphans);
      deleted += orphans.length;
    }
  } while (cursor);
  return { deleted };
}
