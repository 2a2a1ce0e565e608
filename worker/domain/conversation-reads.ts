// Each member's own read state of a conversation (conversation_reads); see markConversationRead in read.ts.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { conversationReads } from '../db/schema';
import type { Tx } from '../db/tx';

/** Read up to now for this member (their own count only). */
export async function markReadBy(tx: Tx, orgId: string, conversationId: string, userId: string): Promise<void> {
  const now = new Date();
  await tx
    .insert(conversationReads)
    .values({ organizationId: orgId, conversationId, userId, unreadCount: 0, readAt: now })
    .onConflictDoUpdate({ target: [conversationReads.conversationId, conversationReads.userId], set: { unreadCount: 0, readAt: now } });
}

/** Nothing left unread for anyone (a resolved conversation). */
export async function clearReaders(tx: Tx, orgId: string, conversationIds: string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  await tx
    .update(conversationReads)
    .set({ unreadCount: 0 })
    .where(and(eq(conversationReads.organizationId, orgId), inArray(conversationReads.conversationId, conversationIds), sql`${conversationReads.unreadCount} > 0`));
}
