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
        .select({ key: messages.mediaKey, status: messages.mediaStatus, mime: messages.mediaMime, filename: messages.mediaFilename, assigneeId: conversations.assigneeId })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, id))),
    );
    if (!row) return notFoundAudited(c, messages, messages.id, id, 'message');
    authorize(actor, 'conversation.read', { assigneeId: row.assigneeId });
    if (row.status !== 'stored' || !row.key) {
      throw new ApiError(404, 'media_unavailable', row.status === 'pending' ? 'Media is still being downloaded' : 'Media is not available');
    }
    const object = await c.env.MEDIA.get(row.key);
    if (!object) throw new ApiError(404, 'media_unavailable', 'Media is not available');
    const headers = new Headers({
      'content-type': row.mime ?? object.httpMetadata?.contentType ?? 'application/octet-stream',
      'content-length': String(object.size),
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    if (row.filename) headers.set('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.filename)}`);
    return new Response(object.body, { headers });
  });
}
