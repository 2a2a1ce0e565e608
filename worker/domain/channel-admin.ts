// What admins do to channels through /api/v1/channels: connect a number (Meta Cloud API here, Evolution API in
// evolution-channels.ts) and change a channel's name, state, token or pace. Each write is audited in its transaction;
// the answers are channel DTOs (never the token).
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { channels } from '../db/schema';
import { withOrg } from '../db/tx';
import type { Env } from '../env';
import { conflict } from '../errors';
import { channelSecret, seal } from '../lib/secret-box';
import type { createChannelBody, createMetaChannelBody, updateChannelBody } from '../schemas/channels';
import { channelColumns, channelDto } from './channels';
import { createEvolutionChannel } from './evolution-channels';

/** Connects a number; `baseUrl` is where an Evolution server sends its webhooks (this worker's origin). */
export async function connectChannel(env: Env, db: Db, actor: Actor, body: z.infer<typeof createChannelBody>, baseUrl: string) {
  if (body.provider === 'evolution') return createEvolutionChannel(env, db, actor, body, baseUrl);
  return { channel: await connectMetaChannel(env, db, actor, body) };
}

async function connectMetaChannel(env: Env, db: Db, actor: Actor, body: z.infer<typeof createMetaChannelBody>) {
  // The id is chosen here: the sealed token is bound to its channel (associated data).
  const id = crypto.randomUUID();
  const accessTokenEnc = await seal(env, body.accessToken, channelSecret(id));
  try {
    const channel = await withOrg(db, actor.orgId, async (tx) => {
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
    return channelDto(channel);
  } catch (err) {
    // The number may belong to this or any other organisation: one number, one tenant.
    if (isUniqueViolation(err)) throw conflict('This WhatsApp number is already connected to an organisation', 'channel_taken');
    throw err;
  }
}

/** The channel as changed, or undefined when the organisation has no such channel. */
export async function updateChannel(env: Env, db: Db, actor: Actor, id: string, body: z.infer<typeof updateChannelBody>) {
  const patch = {
    ...(body.name ? { name: body.name } : {}),
    ...(body.status ? { status: body.status, disabledAt: body.status === 'disabled' ? new Date() : null } : {}),
    ...(body.accessToken ? { accessTokenEnc: await seal(env, body.accessToken, channelSecret(id)) } : {}),
    ...(body.sendRatePerMinute ? { sendRatePerMinute: body.sendRatePerMinute } : {}),
    ...(body.silentAfterMinutes ? { silentAfterMinutes: body.silentAfterMinutes } : {}),
  };
  const channel = await withOrg(db, actor.orgId, async (tx) => {
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
  return channel && channelDto(channel);
}
