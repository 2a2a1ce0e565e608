// Data retention (LGPD: keep personal data no longer than needed). Daily, per organisation that enabled it:
// conversations idle for longer than retention_days are soft-deleted (hidden, restorable by support during the
// grace period); soft-deleted ones older than grace_days are deleted for good with their messages and media.
// Every run is recorded and audited.
//
// Exclusions (issue 21 §3): a conversation is neither hidden nor deleted while
//  - it is under legal hold (placed and lifted by admins, domain/legal-holds.ts);
//  - one of its messages is marked important (domain/important-messages.ts). The whole conversation is kept, not
//    just the marked messages: an important message read without the exchange around it loses its meaning (what was
//    agreed, to what question), and a conversation with holes would be misleading evidence. Unmarking the last one
//    lets retention take the conversation again on its next run;
//  - it is linked to an open deal (deals.status = 'open'): the sale is still being worked on in it.
// The conversation-level "important" flag of the inbox (conversations.important) is a triage star, not a retention
// decision, so it does not exclude. Each run counts what every exclusion kept (a conversation under several is counted
// under the first in the order above, so the counts add up to what was kept).
import { and, eq, inArray, isNotNull, isNull, lt, not, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { deleteMediaObjects, mediaKeysOf } from '../domain/erasure';
import { conversations, deals, messages, organizations, retentionRuns } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
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
  kept: RetentionKept;
}

/** Conversations due for hiding or deletion that each exclusion kept. */
export interface RetentionKept {
  legalHold: number;
  important: number;
  openDeal: number;
}

const hasImportant = sql`exists (select 1 from ${messages} m where m.organization_id = ${conversations.organizationId} and m.conversation_id = ${conversations.id} and m.important_at is not null)`;
const hasOpenDeal = sql`exists (select 1 from ${deals} d where d.organization_id = ${conversations.organizationId} and d.conversation_id = ${conversations.id} and d.status = 'open' and d.deleted_at is null)`;
/** None of the exclusions applies. */
const notExcluded = and(eq(conversations.legalHold, false), not(hasImportant), not(hasOpenDeal));

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
  const { softDeleted, purged, purgeIds, mediaKeys, kept } = await withOrg(db, org.id, async (tx) => {
    const idle = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, org.id),
          isNull(conversations.deletedAt),
          notExcluded,
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
          notExcluded,
        ),
      )
      .limit(BATCH_LIMIT);
    const purgeIds = expired.map((r) => r.id);
    const keys = await mediaKeysOf(tx, org.id, purgeIds);
    // Messages, reactions and labels go with their conversation (ON DELETE CASCADE).
    if (purgeIds.length) await tx.delete(conversations).where(and(eq(conversations.organizationId, org.id), inArray(conversations.id, purgeIds)));
    const kept = await keptByExclusion(tx, org.id, idleBefore, purgeBefore);
    const result = { softDeleted: idle.length, purged: purgeIds.length, purgeIds, mediaKeys: keys, kept };
    await tx.insert(retentionRuns).values({
      organizationId: org.id,
      startedAt: now,
      finishedAt: new Date(),
      softDeleted: result.softDeleted,
      hardDeleted: result.purged,
      keptLegalHold: kept.legalHold,
      keptImportant: kept.important,
      keptOpenDeal: kept.openDeal,
      status: 'done',
    });
    if (result.softDeleted || result.purged || kept.legalHold || kept.important || kept.openDeal) {
      await recordAudit(tx, {
        action: 'retention.run',
        organizationId: org.id,
        actorType: 'system',
        targetType: 'organization',
        targetId: org.id,
        metadata: { softDeleted: result.softDeleted, hardDeleted: result.purged, mediaObjects: result.mediaKeys.length, kept, retentionDays: org.retentionDays, graceDays: org.graceDays },
      });
    }
    return result;
  });
  // Media after the rows are gone: a failure here leaves an orphan object, never a message pointing at nothing.
  await deleteMediaObjects(env.MEDIA, mediaKeys);
  await erasePurgedConversationCopies(env, org.id, purgeIds);
  return { organizationId: org.id, softDeleted, hardDeleted: purged, mediaDeleted: mediaKeys.length, kept };
}

/**
 * What the exclusions kept this run: the conversations that are due (idle past the retention period, or hidden past
 * the grace period) but excluded, counted whole (not bounded by BATCH_LIMIT, so the numbers are the true state).
 */
async function keptByExclusion(tx: Tx, orgId: string, idleBefore: Date, purgeBefore: Date): Promise<RetentionKept> {
  const [row] = await tx
    .select({
      legalHold: sql<number>`count(*) filter (where ${conversations.legalHold})`.mapWith(Number),
      important: sql<number>`count(*) filter (where not ${conversations.legalHold} and ${hasImportant})`.mapWith(Number),
      openDeal: sql<number>`count(*) filter (where not ${conversations.legalHold} and not ${hasImportant} and ${hasOpenDeal})`.mapWith(Number),
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        or(
          and(isNull(conversations.deletedAt), lt(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`, idleBefore)),
          and(isNotNull(conversations.deletedAt), lt(conversations.deletedAt, purgeBefore)),
        ),
      ),
    );
  return { legalHold: row?.legalHold ?? 0, important: row?.important ?? 0, openDeal: row?.openDeal ?? 0 };
}
