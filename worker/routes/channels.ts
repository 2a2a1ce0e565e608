// /api/v1/channels: connect a WhatsApp number (Meta Cloud API, or Evolution API by QR code), list, rename, disable,
// reconnect and remove an Evolution instance.
import { and, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize, can } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { isUniqueViolation } from '../db/errors';
import { channels } from '../db/schema';
import { withOrg } from '../db/tx';
import type { AppEnv } from '../env';
import { conflict } from '../errors';
import { channelSecret, seal } from '../lib/secret-box';
import { validate } from '../middleware/validate';
import { channelColumns, channelDto, listChannels } from '../domain/channels';
import { connectEvolutionChannel, createEvolutionChannel, removeEvolutionInstance } from '../domain/evolution-channels';
import { publishToInbox } from '../realtime/notify';
import { createChannelBody, updateChannelBody } from '../schemas/channels';

const idParam = z.object({ id: z.uuid() });

export function registerChannels(app: Hono<AppEnv>) {
  app.get('/api/v1/channels', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.read');
    const rows = await withOrg(c.var.db, actor.orgId, (tx) => listChannels(tx, actor.orgId));
    // A QR code links a device to the business's WhatsApp: only those who manage channels see it.
    const data = can(actor, 'channels.manage') ? rows : rows.map((ch) => ({ ...ch, qrCode: null }));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/channels', validate('json', createChannelBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.manage');
    const body = c.req.valid('json');
    if (body.provider === 'evolution') {
      const created = await createEvolutionChannel(c.env, c.var.db, actor, body, c.env.WEBHOOK_BASE_URL || new URL(c.req.url).origin);
      await publishToInbox(c.env, actor.orgId, [{ type: 'channel.updated', data: { channel: created.channel } }], c.var.log);
      return c.json(created, 201);
    }
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
      return c.json({ channel: channelDto(channel) }, 201);
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
      ...(body.sendRatePerMinute ? { sendRatePerMinute: body.sendRatePerMinute } : {}),
      ...(body.silentAfterMinutes ? { silentAfterMinutes: body.silentAfterMinutes } : {}),
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
          metadata: { name: body.name, status: body.status, tokenChanged: Boolean(body.accessToken), sendRatePerMinute: body.sendRatePerMinute, silentAfterMinutes: body.silentAfterMinutes },
        });
      }
      return row;
    });
    if (!channel) return notFoundAudited(c, 'channel', id);
    const dto = channelDto(channel);
    await publishToInbox(c.env, actor.orgId, [{ type: 'channel.updated', data: { channel: dto } }], c.var.log);
    return c.json({ channel: dto });
  });

  // Evolution: a fresh QR code (or the state, once connected); the phone scans it in WhatsApp → Linked devices.
  app.post('/api/v1/channels/:id/reconnect', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.manage');
    const { id } = c.req.valid('param');
    const channel = await connectEvolutionChannel(c.env, c.var.db, actor, id);
    if (!channel) return notFoundAudited(c, 'channel', id);
    await publishToInbox(c.env, actor.orgId, [{ type: 'channel.updated', data: { channel } }], c.var.log);
    return c.json({ channel });
  });

  // Disconnects the number: an Evolution instance is logged out and deleted on its server; the channel stays,
  // disabled, so its conversations keep their history.
  app.delete('/api/v1/channels/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.manage');
    const { id } = c.req.valid('param');
    const channel = await removeEvolutionInstance(c.env, c.var.db, actor, id);
    if (!channel) return notFoundAudited(c, 'channel', id);
    await publishToInbox(c.env, actor.orgId, [{ type: 'channel.updated', data: { channel } }], c.var.log);
    return c.json({ channel });
  });
}
