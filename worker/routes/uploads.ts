// POST /api/v1/conversations/:id/media: an agent's attachment, stored in R2 until the outbound consumer uploads it
// to WhatsApp. The body is the file itself (its own Content-Type, not multipart); the returned key is then used in
// `media: { key }` when sending.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { findConversation } from '../domain/conversations';
import { storeOutboundMedia } from '../domain/media';
import { ApiError } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json } from '../openapi/responses';
import { binary, UploadedMedia, uploadQuery } from '../schemas/media';

// WhatsApp's own limits: 16 MB for audio/video, 100 MB for documents, 5 MB for images; we accept up to 16 MB.
export const UPLOAD_MAX_BYTES = 16 * 1024 * 1024;
const ALLOWED = /^(image\/(jpeg|png|webp)|audio\/(aac|amr|mpeg|mp4|ogg)|video\/(mp4|3gpp)|application\/(pdf|msword|vnd\.[\w.-]+|zip)|text\/plain)$/;
/** What ALLOWED accepts, for the document (application/vnd.* stands for the office formats: .docx, .xlsx…). */
const UPLOAD_TYPES = [
  'image/jpeg', 'image/png', 'image/webp',
  'audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg',
  'video/mp4', 'video/3gpp',
  'application/pdf', 'application/msword', 'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
  'text/plain',
];

export function registerUploads(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/conversations/{id}/media',
      tags: ['Messages'],
      summary: 'Upload an attachment to send (the raw file, up to 16 MB)',
      description: 'The body is the file, with its own Content-Type (WhatsApp’s types; `audio/ogg; codecs=opus` is kept as a voice note). Not multipart.',
      request: {
        params: idParam,
        query: uploadQuery,
        body: { required: true, content: Object.fromEntries(UPLOAD_TYPES.map((t) => [t, { schema: binary }])) },
      },
      responses: { 201: json(UploadedMedia, 'Stored: send it with `media: { key }`'), ...errors(404, 413, 415) },
    }),
    async (c) => {
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
      const { filename } = c.req.valid('query');
      // A voice note keeps its codec: WhatsApp takes only Opus in Ogg as a voice message.
      const contentType = mime === 'audio/ogg' && /codecs="?opus/i.test(c.req.header('content-type') ?? '') ? 'audio/ogg; codecs=opus' : mime;
      const key = await storeOutboundMedia(c.env, c.var.db, actor.orgId, id, bytes, contentType, filename);
      return c.json({ key, mimeType: contentType, size: bytes.byteLength, filename }, 201);
    },
  );
}
