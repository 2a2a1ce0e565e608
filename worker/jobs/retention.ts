// Data retention (LGPD: keep personal data no longer than needed). Daily, per organisation that enabled it:
// conversations idle for longer than retention_days are soft-deleted (hidden, restorable by support during the
// grace period); soft-deleted ones older than grace_days are deleted for good with their messages and media.
// Conversations under legal hold are never touched. Every run is recorded and audited.
import { and, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { deleteMediaObjects, mediaKeysOf } from '../domain/erasure';
import { conversations, messages, organizations, retentionRuns } from '../db/schema';
import { withOrg } from '../db/tx';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { erasePurgedConversationCopies } from './retention-copies';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bounded work per organisation per run, so one run stays within a Worker's limits; the rest waits a day. */
export const BATCH_LIMIT = 2_000;

export interface RetentionResult {
  organizationId: string;
  softDeleted: number;
  hardDeleted: number;
  mediaDeleted: number;
}

export async function runRetention(env: Env, db: Db, log: Logger, now = new Date()): Promise<RetentionResult[]> {
  const orgs = await db
    .select({ id: organizations.id, retentionDays: organizations.retentionDays, graceDays: organizations.graceDays })
    .from(organizations)
    .where(and(eq(organizations.retentionEnabled, true), isNull(organizations.deletedAt)));
  const results: RetentionResult[] = [];
  for (const org of orgs) {
    try {
      results.push(await retainOrg(env, db, org, now));
    } catch (err) {
      log.error('retention failed for organisation', { ...errorFields(err), orgId: org.id });
      await withOrg(db, org.id, (tx) =>
        tx.insert(retentionRuns).values({ organizationId: org.id, finishedAt: new Date(), status: 'failed', error: String(err).slice(0, 500) }),
      ).catch(() => {});
    }
  }
  return results;
}

async function retainOrg(env: Env, db: Db, org: { id: string; retentionDays: number; graceDays: number }, now: Date): Promise<RetentionResult> {
  const idleBefore = new Date(now.getTime() - org.retentionDays * DAY_MS);
  const purgeBefore = new Date(now.getTime() - org.graceDays * DAY_MS);
  const { softDeleted, purged, purgeIds, mediaKeys } = await withOrg(db, org.id, async (tx) => {
    const idle = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, org.id),
          isNull(conversations.deletedAt),
          eq(conversations.legalHold, false),
          lt(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`, idleBefore),
        ),
      )
      .limit(BATCH_LIMIT);
    if (idle.length) {
      const ids = idle.map((r) => r.id);
      await tx.update(conversations).set({ deletedAt: now }).where(and(eq(conversations.organizationId, org.id), inArray(conversations.id, ids)));
      await tx.update(messages).set({ deletedAt: now }).where(and(eq(messages.organizationId, org.id), inArray(messages.conversationId, ids), isNull(messages.deletedAt)));
    }
    const expired = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, org.id),
          isNotNull(conversations.deletedAt),
          lt(conversations.deletedAt, purgeBefore),
          eq(conversations.legalHold, false),
        ),
      )
      .limit(BATCH_LIMIT);
    const purgeIds = expired.map((r) => r.id);
    const keys = await mediaKeysOf(tx, org.id, purgeIds);
    // Messages, reactions and labels go with their conversation (ON DELETE CASCADE).
    if (purgeIds.length) await tx.delete(conversations).where(and(eq(conversations.organizationId, org.id), inArray(conversations.id, purgeIds)));
    const result = { softDeleted: idle.length, purged: purgeIds.length, purgeIds, mediaKeys: keys };
    await tx.insert(retentionRuns).values({
      organizationId: org.id,
      startedAt: now,
      finishedAt: new Date(),
      softDeleted: result.softDeleted,
      hardDeleted: result.purged,
      status: 'done',
    });
    if (result.softDeleted || result.purged) {
      await recordAudit(tx, {
        action: 'retention.run',
        organizationId: org.id,
        actorType: 'system',
        targetType: 'organization',
        targetId: org.id,
        metadata: { softDeleted: result.softDeleted, hardDeleted: result.purged, mediaObjects: result.mediaKeys.length, retentionDays: org.retentionDays, graceDays: org.graceDays },
      });
    }
    return result;
  });
  // Media after the rows are gone: a failure here leaves an orphan object, never a message pointing at nothing.
  await deleteMediaObjects(env.MEDIA, mediaKeys);
  await erasePurgedConversationCopies(env, org.id, purgeIds);
  return { organizationId: org.id, softDeleted, hardDeleted: purged, mediaDeleted: mediaKeys.length };
}
