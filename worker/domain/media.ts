// Message media in R2: a message's stored file for whoever may read its conversation, and an agent's attachment kept
// until the outbound consumer uploads it to WhatsApp.
import { and, eq } from 'drizzle-orm';
import { conversations, messages } from '../db/schema';
import type { Db } from '../db/client';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import { uploadPrefix } from './erasure-objects';
import { MediaShredded, putMediaObject, readMediaObject, type MediaEnv } from './media-objects';

/** A message's media and what deciding who may read it needs (its conversation's assignee and department). */
export async function findMessageMedia(tx: Tx, orgId: string, id: string) {
  const [row] = await tx
    .select({ key: messages.mediaKey, status: messages.mediaStatus, mime: messages.mediaMime, filename: messages.mediaFilename, assigneeId: conversations.assigneeId, departmentId: conversations.departmentId })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, id)));
  return row;
}

/**
 * The stored file as plaintext (the range asked for, when it is one the file has); 404 `media_unavailable` while
 * downloading, failed or gone from the bucket; 410 `media_unavailable` once its encryption key was destroyed. Call
 * outside the tenant transaction (keys are read in their own).
 */
export async function openMessageMedia(env: MediaEnv, db: Db, orgId: string, media: { key: string | null; status: string | null }, rangeHeader?: string | null) {
  if (media.status !== 'stored' || !media.key) {
    throw new ApiError(404, 'media_unavailable', media.status === 'pending' ? 'Media is still being downloaded' : 'Media is not available');
  }
  try {
    const file = await readMediaObject(env, db, orgId, media.key, rangeHeader);
    if (!file) throw new ApiError(404, 'media_unavailable', 'Media is not available');
    return file;
  } catch (err) {
    if (err instanceof MediaShredded) throw new ApiError(410, 'media_unavailable', 'Media is no longer available: its encryption key was destroyed');
    throw err;
  }
}

/** Keeps an attachment for a conversation (encrypted at rest); its key goes into `media: { key }` when sending. */
export async function storeOutboundMedia(env: MediaEnv, db: Db, orgId: string, conversationId: string, bytes: ArrayBuffer, contentType: string, filename: string) {
  // Under the conversation, so erasing it finds the uploads never sent.
  const key = `${uploadPrefix(orgId, conversationId)}${crypto.randomUUID()}`;
  await putMediaObject(env, db, orgId, key, bytes, { contentType, custom: { filename, conversationId } });
  return key;
}
