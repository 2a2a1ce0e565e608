// GET /api/v1/messages/:id/media: a message's stored media, from R2, to whoever may read its conversation.
import { createRoute } from '@hono/zod-openapi';
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
      request: { params: idParam },
      responses: {
        200: {
          description:
            'Images, audio, video and PDF inline with their declared type; anything else as an `application/octet-stream` attachment. Always sandboxed by CSP and never sniffed.',
          headers: {
            'Content-Disposition': { description: '`inline` or `attachment`, with the file’s name (RFC 5987) when known', schema: { type: 'string' } },
          },
          content: { 'image/*': bytes, 'audio/*': bytes, 'video/*': bytes, 'application/pdf': bytes, 'application/octet-stream': bytes },
        },
        ...errors(404),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      const media = await withOrg(c.var.db, actor.orgId, (tx) => findMessageMedia(tx, actor.orgId, id));
      if (!media) return notFoundAudited(c, 'message', id);
      authorize(actor, 'conversation.read', media);
      const object = await openMessageMedia(c.env.MEDIA, media);
      return new Response(object.body, { headers: mediaHeaders(media.mime ?? object.httpMetadata?.contentType ?? null, media.filename, object.size) });
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
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'",
  });
}
