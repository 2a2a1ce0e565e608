// GET /api/v1/messages/:id/media: a message's stored media, from R2 (decrypted; one byte range when asked), to
// whoever may read its conversation.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { findMessageMedia, openMessageMedia } from '../domain/media';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam } from '../openapi/responses';
import { binary } from '../schemas/media';

const tags = ['Messages'];
const bytes = { schema: binary };

export function registerMedia(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/messages/{id}/media',
      tags,
      summary: 'A message’s media (the bytes)',
      request: {
        params: idParam,
        headers: z.object({ range: z.string().optional().meta({ description: 'One `bytes=` range (e.g. for seeking in audio and video); anything else serves the whole file' }) }),
      },
      responses: {
        200: {
          description:
            'Images, audio, video and PDF inline with their declared type; anything else as an `application/octet-stream` attachment. Always sandboxed by CSP and never sniffed.',
          headers: {
            'Content-Disposition': { description: '`inline` or `attachment`, with the file’s name (RFC 5987) when known', schema: { type: 'string' } },
          },
          content: { 'image/*': bytes, 'audio/*': bytes, 'video/*': bytes, 'application/pdf': bytes, 'application/octet-stream': bytes },
        },
        206: {
          description: 'The byte range asked for (`Content-Range`), same headers otherwise',
          headers: { 'Content-Range': { description: '`bytes start-end/size`', schema: { type: 'string' } } },
          content: { 'application/octet-stream': bytes },
        },
        ...errors(404, 410),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      const media = await withOrg(c.var.db, actor.orgId, (tx) => findMessageMedia(tx, actor.orgId, id));
      if (!media) return notFoundAudited(c, 'message', id);
      authorize(actor, 'conversation.read', media);
      const file = await openMessageMedia(c.env, c.var.db, actor.orgId, media, c.req.header('range'));
      const headers = mediaHeaders(media.mime ?? file.contentType, media.filename, file.range ? file.range.end - file.range.start + 1 : file.size);
      if (file.range) headers.set('content-range', `bytes ${file.range.start}-${file.range.end}/${file.size}`);
      return new Response(file.body, { status: file.range ? 206 : 200, headers });
    },
  );
}

/**
 * Media comes from customers: whatever type their phone (or an attacker) declared. Only types a browser renders
 * as plain media are served inline; anything else — HTML, SVG, XML, scripts, unknown — is a download of opaque
 * bytes, so it can never run as a page of our origin. Every response is also sandboxed by CSP and never sniffed.
 */
const INLINE_TYPES = new Set([
  'image/jpeg', 'image/png', 'image/webp', 'image/gif',
  'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr', 'audio/opus', 'audio/wav',
  'video/mp4', 'video/3gpp', 'video/webm',
  'application/pdf',
]);

export function mediaHeaders(declared: string | null, filename: string | null, size: number): Headers {
  const base = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  const inline = INLINE_TYPES.has(base);
  const name = filename ? `; filename*=UTF-8''${encodeURIComponent(filename)}` : '';
  return new Headers({
    // The declared parameters (e.g. "codecs=opus") are kept for inline media; a download is opaque bytes.
    'content-type': inline ? declared! : 'application/octet-stream',
    'content-disposition': `${inline ? 'inline' : 'attachment'}${name}`,
    'content-length': String(size),
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'",
  });
}
