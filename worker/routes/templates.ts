// Message templates: sync a channel's templates from the Graph API (all pages), list them for the composer.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { channels, messageTemplates } from '../db/schema';
import { withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { channelSecret, open } from '../lib/secret-box';
import { validate } from '../middleware/validate';
import { GraphError, listTemplates, type TemplatePage } from '../whatsapp/graph';

const MAX_PAGES = 50;

export function registerTemplates(app: Hono<AppEnv>) {
  app.get('/api/v1/templates', validate('query', z.object({ channelId: z.uuid().optional(), status: z.string().max(20).optional() })), async (c) => {
    const actor = c.var.actor;
    const q = c.req.valid('query');
    const data = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx
        .select()
        .from(messageTemplates)
        .where(
          and(
            eq(messageTemplates.organizationId, actor.orgId),
            q.channelId ? eq(messageTemplates.channelId, q.channelId) : undefined,
            q.status ? eq(messageTemplates.status, q.status.toUpperCase()) : undefined,
          ),
        )
        .orderBy(asc(messageTemplates.name), asc(messageTemplates.language)),
    );
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/channels/:id/templates/sync', validate('param', z.object({ id: z.uuid() })), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'templates.manage');
    const { id } = c.req.valid('param');
    const [channel] = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx.select().from(channels).where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id))),
    );
    if (!channel) return notFoundAudited(c, 'channel', id);
    if (channel.provider === 'evolution') throw new ApiError(422, 'templates_unsupported', 'Numbers connected by QR code (Evolution) have no templates');
    if (!channel.wabaId || !channel.accessTokenEnc) throw new ApiError(422, 'channel_incomplete', 'The channel has no WABA id or token');
    const cfg = { baseUrl: c.env.META_GRAPH_BASE_URL, accessToken: await open(c.env, channel.accessTokenEnc, channelSecret(channel.id)) };
    const all: TemplatePage['data'] = [];
    try {
      let after: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const pageOf = await listTemplates(cfg, channel.wabaId, after);
        all.push(...pageOf.data);
        after = pageOf.paging?.next ? pageOf.paging.cursors?.after : undefined;
        if (!after) break;
      }
    } catch (err) {
      if (err instanceof GraphError) throw new ApiError(502, 'meta_error', `Meta refused the template sync: ${err.reason.reason}`);
      throw err;
    }
    const synced = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const now = new Date();
      if (all.length > 0) {
        await tx
          .insert(messageTemplates)
          .values(
            all.map((t) => ({
              organizationId: actor.orgId,
              channelId: channel.id,
              providerTemplateId: t.id,
              name: t.name,
              language: t.language,
              category: t.category,
              status: t.status,
              components: t.components,
              syncedAt: now,
            })),
          )
          .onConflictDoUpdate({
            target: [messageTemplates.channelId, messageTemplates.name, messageTemplates.language],
            set: {
              providerTemplateId: sql`excluded.provider_template_id`,
              category: sql`excluded.category`,
              status: sql`excluded.status`,
              components: sql`excluded.components`,
              syncedAt: now,
              updatedAt: now,
            },
          });
      }
      await recordAudit(tx, { action: 'template.synced', ...byActor(actor), targetType: 'channel', targetId: channel.id, metadata: { count: all.length } });
      return all.length;
    });
    return c.json({ synced });
  });
}
