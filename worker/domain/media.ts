// Message media in R2: a message's stored file for whoever may read its conversation, and an agent's attachment kept
// until the outbound consumer uploads it to WhatsApp.
import { and, eq } from 'drizzle-orm';
import { conversations, messages } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import { uploadPrefix } from './erasure-objects';

/** A message's media and what deciding who may read it needs (its conversation's assignee and department). */
export async function findMessageMedia(tx: Tx, orgId: string, id: string) {
  const [row] = await tx
    .select({ key: messages.mediaKey, status: messages.mediaStatus, mime: messages.mediaMime, filename: messages.mediaFilename, assigneeId: conversations.assigneeId, departmentId: conversations.departmentId })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, id)));
  return row;
}

/** The stored object, or 404 `media_unavailable` (still downloading, failed, or gone from the bucket). */
export async function openMessageMedia(bucket: R2Bucket, media: { key: string | null; status: string | null }) {
  if (media.status !== 'stored' || !media.key) {
    throw new ApiError(404, 'media_unavailable', media.status === 'pending' ? 'Media is still being downloaded' : 'Media is not available');
  }
  const object = await bucket.get(media.key);
  if (!object) throw new ApiError(404, 'media_unavailable', 'Media is not available');
  return object;
}

/** Keeps an attachment for a conversation; its key goes into `media: { key }` when sending. */
export async function storeOutboundMedia(bucket: R2Bucket, orgId: string, conversationId: string, bytes: ArrayBuffer, contentType: string, filename: string) {
  // Under the conversation, so erasing it finds the uploads never sent.
  const key = `${uploadPrefix(orgId, conversationId)}${crypto.randomUUID()}`;
  await bucket.put(key, bytes, { httpMetadata: { contentType }, customMetadata: { filename, conversationId } });
  return key;
}
