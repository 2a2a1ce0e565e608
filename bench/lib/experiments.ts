// Schema experiments on the throw-away benchmark database only (never a migration): indexes whose effect a run can
// show before anyone writes the migration for them.
import type { Pool } from '@neondatabase/serverless';

/**
 * Unlinked quoted replies by the wamid they quote: lets queues/ingest/store.ts linkReplies find "earlier replies to
 * the messages just stored" without scanning the organisation's messages. Proposed for a migration as
 * messages_org_unlinked_reply_idx.
 */
export const REPLY_INDEX_SQL = `create index if not exists messages_org_unlinked_reply_idx on messages (organization_id, reply_to_provider_id)
  where reply_to_provider_id is not null and reply_to_message_id is null`;

export async function applyExperiments(pool: Pool, opts: { replyIndex: boolean }): Promise<string[]> {
  const applied: string[] = [];
  if (opts.replyIndex) {
    await pool.query(REPLY_INDEX_SQL);
    applied.push('messages_org_unlinked_reply_idx');
  }
  return applied;
}
