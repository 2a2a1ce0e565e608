// What retention's hard delete leaves outside the rows: uploads never sent under the purged conversations, and their
// realtime rooms (history with message texts; open chats close with `conversation.erased`).
import { deleteUploadsOf } from '../domain/erasure-objects';
import type { Env } from '../env';
import { createLogger, errorFields } from '../lib/log';
import { eraseRooms } from '../realtime/erase-rooms';

export async function erasePurgedConversationCopies(env: Env, orgId: string, conversationIds: string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  const log = createLogger({ job: 'retention', orgId }, env.LOG_LEVEL);
  try {
    await deleteUploadsOf(env.MEDIA, orgId, conversationIds);
  } catch (err) {
    // The daily sweep of unattached uploads deletes them within a day anyway.
    log.error('uploads of purged conversations not deleted', errorFields(err));
  }
  await eraseRooms(env, orgId, conversationIds, [], log, { onlyWatched: true });
}
