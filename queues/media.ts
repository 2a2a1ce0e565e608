// Inbound media: media id → Graph URL → download with the channel's token → R2 (`media/<org>/<message>`), encrypted
// with the organisation's data key (worker/domain/media-objects.ts).
// Retried with backoff; after the last try the message shows the media as unavailable instead of hanging.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import { channels, conversations, messageColumns, messages } from '../worker/db/schema';
import { withOrg } from '../worker/db/tx';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { putMediaObject } from '../worker/domain/media-objects';
import { GraphError } from '../worker/whatsapp/graph';
import { providerFor } from '../worker/whatsapp/provider';
import type { Typed } from '.';
import { retryBase, retryDelay } from './retry';
import { notifyStored } from '../worker/realtime/notify';

export const MEDIA_MAX_ATTEMPTS = 5;

export const mediaKey = (orgId: string, messageId: string) => `media/${orgId}/${messageId}`;

export async function fetchMediaBatch(items: Typed<'media.fetch'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    const { organizationId: orgId, messageId } = body;
    try {
      const [row] = await withOrg(db, orgId, (tx) =>
        tx
          .select({
            message: messageColumns,
            channel: { id: channels.id, provider: channels.provider, phoneNumberId: channels.phoneNumberId, instanceName: channels.instanceName, token: channels.accessTokenEnc, status: channels.status },
          })
          .from(messages)
          .innerJoin(conversations, eq(conversations.id, messages.conversationId))
          .innerJoin(channels, eq(channels.id, conversations.channelId))
          .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId))),
      );
      const mediaId = (row?.message.payload?.media as { id?: string } | undefined)?.id;
      if (!row || row.message.mediaStatus !== 'pending' || !mediaId) {
        message.ack();
        continue;
      }
      const file = await (await providerFor(env, row.channel)).fetchMedia(mediaId);
      const bytes = file.bytes;
      const mime = file.mime || row.message.mediaMime || 'application/octet-stream';
      const key = mediaKey(orgId, messageId);
      // Not Meta's sha256 any more: a fingerprint of the plaintext, read by nothing (the message payload keeps it).
      await putMediaObject(env, db, orgId, key, bytes, { contentType: mime, custom: { filename: row.message.mediaFilename ?? '' } });
      const [updated] = await withOrg(db, orgId, (tx) =>
        tx
          .update(messages)
          .set({ mediaKey: key, mediaMime: mime, mediaSize: bytes.byteLength, mediaStatus: 'stored', updatedAt: new Date() })
          .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
          .returning(messageColumns),
      );
      message.ack();
      if (updated) await notifyStored(env, db, orgId, { created: [], updated: [updated], conversationIds: [] }, log);
    } catch (err) {
      const retryable = !(err instanceof GraphError) || err.retryable;
      if (retryable && message.attempts < MEDIA_MAX_ATTEMPTS) {
        log.warn('media fetch failed; will retry', { ...errorFields(err), messageId, attempts: message.attempts });
        message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
        continue;
      }
      log.error('media fetch gave up', { ...errorFields(err), messageId });
      const [updated] = await withOrg(db, orgId, (tx) =>
        tx
          .update(messages)
          .set({ mediaStatus: 'failed', errorDetail: 'Mídia indisponível: não foi possível baixar do WhatsApp', updatedAt: new Date() })
          .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
          .returning(messageColumns),
      ).catch(() => []);
      message.ack();
      if (updated) await notifyStored(env, db, orgId, { created: [], updated: [updated], conversationIds: [] }, log);
    }
  }
}
