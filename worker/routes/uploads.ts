// POST /api/v1/conversations/:id/media: an agent's attachment, stored in R2 until the outbound consumer uploads it
// to WhatsApp. The returned key is then used in `media: { key }` when sending.
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { findConversation } from '../domain/conversations';
import { outboundMediaPrefix } from '../domain/send';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { validate } from '../middleware/validate';

// WhatsApp's own limits: 16 MB for audio/video, 100 MB for documents, 5 MB for images; we accept up to 16 MB.
export const UPLOAD_MAX_BYTES = 16 * 1024 * 1024;
const ALLOWED = /^(image\/(jpeg|png|webp)|audio\/(aac|amr|mpeg|mp4|ogg)|video\/(mp4|3gpp)|application\/(pdf|msword|vnd\.[\w.-]+|zip)|text\/plain)$/;

export function registerUploads(app: Hono<AppEnv>) {
  app.post('/api/v1/conversations/:id/media', validate('param', z.object({ id: z.uuid() })), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
    if (!conversation) return notFoundAudited(c, 'conversation', id);
    authorize(actor, 'conversation.reply', conversation);
    const mime = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!ALLOWED.test(mime)) throw new ApiError(415, 'unsupported_media_type', `WhatsApp does not accept ${mime || 'this type'}`);
    if (Number(c.req.header('content-length') ?? 0) > UPLOAD_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Files up to 16 MB');
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength === 0) throw new ApiError(400, 'empty_file', 'The file is empty');
    if (bytes.byteLength > UPLOAD_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Files up to 16 MB');
    const filename = (c.req.query('filename') ?? 'arquivo').replace(/[\\/\0]/g, '_').slice(0, 200);
    const key = `${outboundMediaPrefix(actor.orgId)}${crypto.randomUUID()}`;
    // A voice note keeps its codec: WhatsApp takes only Opus in Ogg as a voice message.
    const contentType = mime === 'audio/ogg' && /codecs="?opus/i.test(c.req.header('content-type') ?? '') ? 'audio/ogg; codecs=opus' : mime;
    await c.env.MEDIA.put(key, bytes, { httpMetadata: { contentType }, customMetadata: { filename, conversationId: id } });
    return c.json({ key, mimeType: contentType, size: bytes.byteLength, filename }, 201);
  });
}
