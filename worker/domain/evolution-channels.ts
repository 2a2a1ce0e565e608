// Connecting a number through Evolution API: the channel row first (its id is in the webhook URL and its secret), then
// the instance on the Evolution server with that webhook; a fresh QR code on request; logout + delete on removal.
// Evolution's calls happen outside any transaction; the channel is the record of what was configured.
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { channels } from '../db/schema';
import { withOrg } from '../db/tx';
import type { Env } from '../env';
import { ApiError, conflict } from '../errors';
import { channelSecret, seal } from '../lib/secret-box';
import type { createEvolutionChannelBody } from '../schemas/channels';
import { evolutionWebhook } from '../webhooks/evolution-secret';
import { connectInstance, createInstance, deleteInstance, EvolutionError, evolutionConfig, logoutInstance, type EvolutionConfig } from '../whatsapp/evolution';
import { channelColumns, channelDto, findChannel } from './channels';

function requireConfig(env: Env): EvolutionConfig & { webhookKey: string } {
  const cfg = evolutionConfig(env);
  if (!cfg || !env.EVOLUTION_WEBHOOK_KEY) {
    throw new ApiError(422, 'evolution_not_configured', 'No Evolution API server is configured (EVOLUTION_API_URL, EVOLUTION_API_KEY, EVOLUTION_WEBHOOK_KEY)');
  }
  return { ...cfg, webhookKey: env.EVOLUTION_WEBHOOK_KEY };
}

function unavailable(err: unknown): ApiError {
  const detail = err instanceof EvolutionError ? err.detail : err instanceof Error ? err.message : String(err);
  return new ApiError(502, 'evolution_unavailable', `The Evolution API server did not accept the request: ${detail}`);
}

const tokenOf = (hash: unknown): string | undefined =>
  typeof hash === 'string' ? hash : hash && typeof hash === 'object' && typeof (hash as { apikey?: unknown }).apikey === 'string' ? (hash as { apikey: string }).apikey : undefined;

export async function createEvolutionChannel(env: Env, db: Db, actor: Actor, body: z.infer<typeof createEvolutionChannelBody>, baseUrl: string) {
  const cfg = requireConfig(env);
  const id = crypto.randomUUID();
  const webhook = await evolutionWebhook(cfg.webhookKey, baseUrl, id);
  try {
    await withOrg(db, actor.orgId, (tx) =>
      tx.insert(channels).values({
        id,
        organizationId: actor.orgId,
        provider: 'evolution',
        name: body.name,
        instanceName: body.instanceName,
        connectionState: 'connecting',
        connectionUpdatedAt: new Date(),
        ...(body.sendRatePerMinute && { sendRatePerMinute: body.sendRatePerMinute }),
      }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`The instance name "${body.instanceName}" is already in use`, 'instance_taken');
    throw err;
  }
  let created;
  try {
    created = await createInstance(cfg, body.instanceName, webhook);
  } catch (err) {
    // Nothing was configured on Evolution: the row goes too, so the name can be used again.
    await withOrg(db, actor.orgId, (tx) => tx.delete(channels).where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id))));
    if (err instanceof EvolutionError && err.httpStatus === 403) throw conflict(`The Evolution server already has an instance "${body.instanceName}"`, 'instance_taken');
    throw unavailable(err);
  }
  const token = tokenOf(created.hash);
  const channel = await withOrg(db, actor.orgId, async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({
        ...(token && { accessTokenEnc: await seal(env, token, channelSecret(id)) }),
        ...(created.qrcode?.base64 && { qrCode: created.qrcode.base64, qrUpdatedAt: new Date() }),
        updatedAt: new Date(),
      })
      .where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id)))
      .returning(channelColumns);
    await recordAudit(tx, { action: 'channel.connected', ...byActor(actor), targetType: 'channel', targetId: id, metadata: { provider: 'evolution', instanceName: body.instanceName } });
    return row!;
  });
  return { channel: channelDto(channel), webhook };
}

/** A new QR code for an Evolution channel that is not connected (its state when it is). */
export async function connectEvolutionChannel(env: Env, db: Db, actor: Actor, id: string) {
  const current = await withOrg(db, actor.orgId, (tx) => findChannel(tx, actor.orgId, id));
  if (!current) return undefined;
  if (current.provider !== 'evolution' || !current.instanceName) throw new ApiError(422, 'not_evolution', 'Only channels connected through Evolution API are reconnected by QR code');
  const cfg = requireConfig(env);
  let answer;
  try {
    answer = await connectInstance(cfg, current.instanceName);
  } catch (err) {
    throw unavailable(err);
  }
  const open = answer.instance?.state === 'open';
  return withOrg(db, actor.orgId, async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({
        connectionState: open ? 'open' : 'connecting',
        connectionUpdatedAt: new Date(),
        qrCode: open ? null : (answer.base64 ?? null),
        qrUpdatedAt: new Date(),
        status: 'active',
        disabledAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id)))
      .returning(channelColumns);
    await recordAudit(tx, { action: 'channel.reconnected', ...byActor(actor), targetType: 'channel', targetId: id, metadata: { instanceName: current.instanceName } });
    return channelDto(row!);
  });
}

/** Logs the number out and deletes the instance on Evolution (gone already is fine); the channel is disabled. */
export async function removeEvolutionInstance(env: Env, db: Db, actor: Actor, id: string) {
  const current = await withOrg(db, actor.orgId, (tx) => findChannel(tx, actor.orgId, id));
  if (!current) return undefined;
  if (current.provider === 'evolution' && current.instanceName) {
    const cfg = requireConfig(env);
    for (const step of [logoutInstance, deleteInstance]) {
      try {
        await step(cfg, current.instanceName);
      } catch (err) {
        // 404: not there (deleted by hand); 400 on logout: not connected. Anything else: nothing changed here.
        if (!(err instanceof EvolutionError && (err.httpStatus === 404 || err.httpStatus === 400))) throw unavailable(err);
      }
    }
  }
  return withOrg(db, actor.orgId, async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({
        status: 'disabled',
        disabledAt: new Date(),
        // The name is free for a new instance; the row keeps its conversations.
        instanceName: null,
        connectionState: current.provider === 'evolution' ? 'close' : current.connectionState,
        qrCode: null,
        updatedAt: new Date(),
      })
      .where(and(eq(channels.organizationId, actor.orgId), eq(channels.id, id)))
      .returning(channelColumns);
    await recordAudit(tx, { action: 'channel.removed', ...byActor(actor), targetType: 'channel', targetId: id, metadata: { provider: current.provider, instanceName: current.instanceName } });
    return channelDto(row!);
  });
}
