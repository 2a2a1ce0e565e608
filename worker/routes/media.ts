// GET /api/v1/messages/:id/media: a message's stored media, from R2, to whoever may read its conversation.
import { and, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { conversations, messages } from '../db/schema';
import { withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { validate } from '../middleware/validate';

export function registerMedia(app: Hono<AppEnv>) {
  app.get('/api/v1/messages/:id/media', validate('param', z.object({ id: z.uuid() })), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    const [row] = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx
        .select({ key: messages.mediaKey, status: messages.mediaStatus, mime: messages.mediaMime, filename: messages.mediaFilename, assigneeId: conversations.assigneeId, departmentId: conversations.departmentId })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, id))),
    );
    if (!row) return notFoundAudited(c, 'message', id);
    authorize(actor, 'conversation.read', row);
    if (row.status !== 'stored' || !row.key) {
      throw new ApiError(404, 'media_unavailable', row.status === 'pending' ? 'Media is still being downloaded' : 'Media is not available');
    }
    const object = await c.env.MEDIA.get(row.key);
    if (!object) throw new ApiError(404, 'media_unavailable', 'Media is not available');
    return new Response(object.body, { headers: mediaHeaders(row.mime ?? object.httpMetadata?.contentType ?? null, row.filename, object.size) });
  });
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
