// /api/v1/channels: connect a WhatsApp number (Meta Cloud API, or Evolution API by QR code), list, rename, disable,
// reconnect and remove an Evolution instance. Every change is told to the open inboxes (Settings → Channels is live).
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { authorize, can } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { connectChannel, updateChannel } from '../domain/channel-admin';
import { listChannels, type channelDto } from '../domain/channels';
import { connectEvolutionChannel, removeEvolutionInstance } from '../domain/evolution-channels';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, pageOf } from '../openapi/responses';
import { publishToInbox } from '../realtime/notify';
import { Channel, createChannelBody, EvolutionWebhook, updateChannelBody } from '../schemas/channels';

const tags = ['Channels'];
const ChannelAnswer = z.object({ channel: Channel });

const channelUpdated = (c: Context<AppEnv>, channel: ReturnType<typeof channelDto>) =>
  publishToInbox(c.env, c.var.actor.orgId, [{ type: 'channel.updated', data: { channel } }], c.var.log);

export function registerChannels(app: ApiApp) {
  registerChannelSet(app);
  registerChannelChanges(app);
}

function registerChannelSet(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/channels', tags, summary: 'The organisation’s WhatsApp numbers', responses: { 200: json(pageOf(Channel), 'Every channel, oldest first'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.read');
    const rows = await withOrg(c.var.db, actor.orgId, (tx) => listChannels(tx, actor.orgId));
    // A QR code links a device to the business's WhatsApp: only those who manage channels see it.
    const data = can(actor, 'channels.manage') ? rows : rows.map((ch) => ({ ...ch, qrCode: null }));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/channels',
      tags,
      summary: 'Connect a number: Meta Cloud API (with its token), or Evolution API (then scan the QR code)',
      request: jsonBody(createChannelBody),
      responses: {
        201: json(ChannelAnswer.extend({ webhook: EvolutionWebhook.optional().meta({ description: 'Evolution: the webhook configured on its server' }) }), 'Connected (Evolution: connecting, with a QR code)'),
        ...errors(409, 422, 502),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.manage');
      const created = await connectChannel(c.env, c.var.db, actor, c.req.valid('json'), c.env.WEBHOOK_BASE_URL || new URL(c.req.url).origin);
      // An Evolution number connects while someone scans its QR code: open inboxes follow it from now.
      if ('webhook' in created) await channelUpdated(c, created.channel);
      return c.json(created, 201);
    },
  );
}

function registerChannelChanges(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/channels/{id}',
      tags,
      summary: 'Rename, disable or enable a channel, replace its token, change its pace',
      request: { params: idParam, ...jsonBody(updateChannelBody) },
      responses: { 200: json(ChannelAnswer, 'The channel as changed'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.manage');
      const { id } = c.req.valid('param');
      const channel = await updateChannel(c.env, c.var.db, actor, id, c.req.valid('json'));
      if (!channel) return notFoundAudited(c, 'channel', id);
      await channelUpdated(c, channel);
      return c.json({ channel }, 200);
    },
  );

  // Evolution: a fresh QR code (or the state, once connected); the phone scans it in WhatsApp → Linked devices.
  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/channels/{id}/reconnect', tags, summary: 'Evolution: a fresh QR code to scan', request: { params: idParam }, responses: { 200: json(ChannelAnswer, 'Connecting, with a QR code (or open)'), ...errors(404, 422, 502) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.manage');
      const { id } = c.req.valid('param');
      const channel = await connectEvolutionChannel(c.env, c.var.db, actor, id);
      if (!channel) return notFoundAudited(c, 'channel', id);
      await channelUpdated(c, channel);
      return c.json({ channel }, 200);
    },
  );

  // Disconnects the number: an Evolution instance is logged out and deleted on its server; the channel stays,
  // disabled, so its conversations keep their history.
  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/channels/{id}', tags, summary: 'Disconnect a number (kept, disabled, with its history)', request: { params: idParam }, responses: { 200: json(ChannelAnswer, 'The channel, disabled'), ...errors(404, 422, 502) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.manage');
      const { id } = c.req.valid('param');
      const channel = await removeEvolutionInstance(c.env, c.var.db, actor, id);
      if (!channel) return notFoundAudited(c, 'channel', id);
      await channelUpdated(c, channel);
      return c.json({ channel }, 200);
    },
  );
}
