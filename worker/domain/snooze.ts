// Snoozed conversations wake at their time: back to open, in every inbox, as when the customer writes again.
import { and, eq, isNull, lte } from 'drizzle-orm';
import { conversations } from '../db/schema';
import type { Tx } from '../db/tx';

/** Organisations with a snooze due (read as the system: the wake-up then runs inside each tenant's RLS). */
export async function orgsWithDueSnoozes(tx: Tx, now: Date): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ orgId: conversations.organizationId })
    .from(conversations)
    .where(and(eq(conversations.status, 'snoozed'), lte(conversations.snoozedUntil, now), isNull(conversations.deletedAt)));
  return rows.map((r) => r.orgId);
}

/** Wakes the organisation's conversations whose snooze is due; returns their ids. */
export async function wakeSnoozed(tx: Tx, orgId: string, now: Date): Promise<string[]> {
  const woken = await tx
    .update(conversations)
    .set({ status: 'open', snoozedUntil: null, updatedAt: now })
    .where(
      and(
        eq(conversations.organizationId, orgId),
        eq(conversations.status, 'snoozed'),
        lte(conversations.snoozedUntil, now),
        isNull(conversations.deletedAt),
      ),
    )
    .returning({ id: conversations.id });
  return woken.map((w) => w.id);
}
