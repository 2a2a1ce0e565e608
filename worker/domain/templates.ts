// Message templates: synced from a Meta channel's WhatsApp Business Account (all pages of the Graph API), listed for
// the composer. Evolution numbers (WhatsApp Web) have none.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { channels, messageTemplates } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
import type { Env } from '../env';
import { ApiError } from '../errors';
import { channelSecret, open } from '../lib/secret-box';
import type { TemplateComponent, templatesQuery } from '../schemas/channels';
import { GraphError, listTemplates, type TemplatePage } from '../whatsapp/graph';

const MAX_PAGES = 50;

/** The organisation's templates, by name and language; `status` matches Meta's (upper case) whatever the case asked. */
export function listMessageTemplates(tx: Tx, orgId: string, q: z.infer<typeof templatesQuery>) {
  return tx
    .select()
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.organizationId, orgId),
        q.channelId ? eq(messageTemplates.channelId, q.channelId) : undefined,
        q.status ? eq(messageTemplates.status, q.status.toUpperCase()) : undefined,
      ),
    )
    .orderBy(asc(messageTemplates.name), asc(messageTemplates.language));
}

/**
 * Fetches every template of the channel's WABA from Meta and upserts them (by channel, name and language); returns
 * how many were synced, or null when the organisation has no such channel. Meta is called outside any transaction.
 */
export async function syncChannelTemplates(env: Env, db: Db, actor: Actor, id: string): Promise<number | null> {
  const [channel] = await withOrg(db, actor.orgId, (tx) => tx.select().from(channels).where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id))));
  if (!channel) return null;
  if (channel.provider === 'evolution') throw new ApiError(422, 'templates_unsupported', 'Numbers connected by QR code (Evolution) have no templates');
  if (!channel.wabaId || !channel.accessTokenEnc) throw new ApiError(422, 'channel_incomplete', 'The channel has no WABA id or token');
  const cfg = { baseUrl: env.META_GRAPH_BASE_URL, accessToken: await open(env, channel.accessTokenEnc, channelSecret(channel.id)) };
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
  return withOrg(db, actor.orgId, async (tx) => {
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
            components: t.components as TemplateComponent[],
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
}
