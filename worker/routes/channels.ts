// /api/v1/channels: connect a WhatsApp number (Meta Cloud API), list, rename, disable.
import { and, asc, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { isUniqueViolation } from '../db/errors';
import { channels } from '../db/schema';
import { withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { conflict } from '../errors';
import { channelSecret, seal } from '../lib/secret-box';
import { validate } from '../middleware/validate';

const digits = (max: number) => z.string().trim().regex(/^\d+$/, 'must be digits only').max(max);

export const createChannelBody = z.object({
  provider: z.literal('meta_cloud'),
  name: z.string().trim().min(1).max(80).optional(),
  phoneNumberId: digits(32),
  wabaId: digits(32),
  displayPhoneNumber: z.string().trim().min(3).max(32),
  accessToken: z.string().trim().min(10).max(1024),
});
const updateChannelBody = z
  .object({ name: z.string().trim().min(1).max(80), status: z.enum(['active', 'disabled']), accessToken: z.string().trim().min(10).max(1024) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
const idParam = z.object({ id: z.uuid() });

/** Never returns the token, only whether one is stored. */
export const channelColumns = {
  id: channels.id,
  provider: channels.provider,
  name: channels.name,
  phoneNumberId: channels.phoneNumberId,
  wabaId: channels.wabaId,
  displayPhoneNumber: channels.displayPhoneNumber,
  status: channels.status,
  createdAt: channels.createdAt,
  updatedAt: channels.updatedAt,
};

export function registerChannels(app: Hono<AppEnv>) {
  app.get('/api/v1/channels', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx.select(channelColumns).from(channels).where(eq(channels.organizationId, actor.orgId)).orderBy(asc(channels.createdAt)),
    );
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/channels', validate('json', createChannelBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.manage');
    const body = c.req.valid('json');
    // The id is chosen here: the sealed token is bound to its channel (associated data).
    const id = crypto.randomUUID();
    const accessTokenEnc = await seal(c.env, body.accessToken, channelSecret(id));
    try {
      const channel = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const [row] = await tx
          .insert(channels)
          .values({
            id,
            organizationId: actor.orgId,
            provider: body.provider,
            name: body.name ?? `WhatsApp ${body.displayPhoneNumber}`,
            phoneNumberId: body.phoneNumberId,
            wabaId: body.wabaId,
            displayPhoneNumber: body.displayPhoneNumber,
            accessTokenEnc,
          })
          .returning(channelColumns);
        await recordAudit(tx, { action: 'channel.connected', ...byActor(actor), targetType: 'channel', targetId: row!.id, metadata: { phoneNumberId: body.phoneNumberId } });
        return row!;
      });
      return c.json({ channel }, 201);
    } catch (err) {
      // The number may belong to this or any other organisation: one number, one tenant.
      if (isUniqueViolation(err)) throw conflict('This WhatsApp number is already connected to an organisation', 'channel_taken');
      throw err;
    }
  });

  app.patch('/api/v1/channels/:id', validate('param', idParam), validate('json', updateChannelBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const patch = {
      ...(body.name ? { name: body.name } : {}),
      ...(body.status ? { status: body.status, disabledAt: body.status === 'disabled' ? new Date() : null } : {}),
      ...(body.accessToken ? { accessTokenEnc: await seal(c.env, body.accessToken, channelSecret(id)) } : {}),
    };
    const channel = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [row] = await tx
        .update(channels)
        .set(patch)
        .where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id)))
        .returning(channelColumns);
      if (row) {
        await recordAudit(tx, {
          action: 'channel.updated',
          ...byActor(actor),
          targetType: 'channel',
          targetId: id,
          metadata: { name: body.name, status: body.status, tokenChanged: Boolean(body.accessToken) },
        });
      }
      return row;
    });
    if (!channel) return notFoundAudited(c, channels, channels.id, id, 'channel');
    return c.json({ channel });
  });
}
