// Channels as the API and the inbox socket show them, and the Evolution connection state the ingest consumer keeps.
// Runs inside withOrg (RLS-scoped); never returns a token.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { channels, type Channel } from '../db/schema';
import type { Tx } from '../db/tx';

/** Never the token, only whether one is stored. */
export const channelColumns = {
  id: channels.id,
  provider: channels.provider,
  name: channels.name,
  phoneNumberId: channels.phoneNumberId,
  wabaId: channels.wabaId,
  displayPhoneNumber: channels.displayPhoneNumber,
  status: channels.status,
  instanceName: channels.instanceName,
  connectionState: channels.connectionState,
  qrCode: channels.qrCode,
  qrUpdatedAt: channels.qrUpdatedAt,
  connectionUpdatedAt: channels.connectionUpdatedAt,
  lastEventAt: channels.lastEventAt,
  sendRatePerMinute: channels.sendRatePerMinute,
  silentAfterMinutes: channels.silentAfterMinutes,
  createdAt: channels.createdAt,
  updatedAt: channels.updatedAt,
};
export type ChannelRow = { [K in keyof typeof channelColumns]: Channel[K] };

/**
 * What a channel can do (the composer and the 24-hour rule ask this, not the provider's name): Meta's Cloud API
 * allows free text only within 24 h of the customer's last message and templates after; Evolution (WhatsApp Web)
 * has neither rule nor templates.
 */
export function channelCapabilities(provider: Channel['provider']) {
  return provider === 'evolution' ? { window24h: false, templates: false } : { window24h: true, templates: true };
}

/**
 * An Evolution instance that says "open" yet has sent nothing for its silence period: WhatsApp Web sessions are known
 * to stop delivering while still reporting a connection. The inbox shows it so someone checks the phone.
 */
export function isSilent(c: Pick<ChannelRow, 'provider' | 'connectionState' | 'lastEventAt' | 'connectionUpdatedAt' | 'silentAfterMinutes'>, now = Date.now()): boolean {
  if (c.provider !== 'evolution' || c.connectionState !== 'open') return false;
  const last = Math.max(c.lastEventAt?.getTime() ?? 0, c.connectionUpdatedAt?.getTime() ?? 0);
  return last > 0 && now - last > c.silentAfterMinutes * 60_000;
}

/** The capabilities of a conversation's channel (one indexed read). */
export async function capabilitiesOf(tx: Tx, orgId: string, channelId: string) {
  const [row] = await tx.select({ provider: channels.provider }).from(channels).where(and(eq(channels.organizationId, orgId), eq(channels.id, channelId)));
  return { provider: row?.provider ?? 'meta_cloud', ...channelCapabilities(row?.provider ?? 'meta_cloud') };
}

export function channelDto(c: ChannelRow, now = Date.now()) {
  return { ...c, capabilities: channelCapabilities(c.provider), silent: isSilent(c, now) };
}

export async function listChannels(tx: Tx, orgId: string) {
  const rows = await tx.select(channelColumns).from(channels).where(eq(channels.organizationId, orgId)).orderBy(channels.createdAt);
  return rows.map((r) => channelDto(r));
}

export async function findChannel(tx: Tx, orgId: string, id: string): Promise<ChannelRow | undefined> {
  const [row] = await tx.select(channelColumns).from(channels).where(and(eq(channels.organizationId, orgId), eq(channels.id, id)));
  return row;
}

export interface ChannelStateChange {
  channelId: string;
  state?: NonNullable<Channel['connectionState']>;
  ownerPhone?: string;
  qrCode?: string | null;
  at: Date;
}

/**
 * Connection and QR updates from Evolution, in event order, plus "heard from" for every channel of the batch; returns
 * the channels as they now are, for the inbox sockets (Settings → Channels updates live).
 */
export async function applyChannelStates(tx: Tx, orgId: string, changes: ChannelStateChange[], heardFrom: string[]): Promise<ChannelRow[]> {
  const touched = new Set(heardFrom);
  for (const c of [...changes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    touched.add(c.channelId);
    await tx
      .update(channels)
      .set({
        ...(c.state && { connectionState: c.state, connectionUpdatedAt: c.at }),
        ...(c.qrCode !== undefined && { qrCode: c.qrCode, qrUpdatedAt: c.at }),
        ...(c.ownerPhone && { displayPhoneNumber: `+${c.ownerPhone}` }),
        updatedAt: new Date(),
      })
      .where(and(eq(channels.organizationId, orgId), eq(channels.id, c.channelId), eq(channels.provider, 'evolution')));
  }
  if (touched.size === 0) return [];
  return tx
    .update(channels)
    .set({ lastEventAt: sql`now()` })
    .where(and(eq(channels.organizationId, orgId), inArray(channels.id, [...touched])))
    .returning(channelColumns);
}

/**
 * Evolution channels that became silent in the last minute (their silence period just ran out): told to the inbox
 * once per silence by the every-minute job; Settings computes `silent` on every read anyway. Runs as the system
 * (across organisations); returns the rows with their organisation.
 */
export async function newlySilentChannels(tx: Tx, now = new Date()) {
  return tx
    .select({ organizationId: channels.organizationId, ...channelColumns })
    .from(channels)
    .where(
      sql`${channels.provider} = 'evolution' and ${channels.status} = 'active' and ${channels.connectionState} = 'open'
          and greatest(${channels.lastEventAt}, ${channels.connectionUpdatedAt}) + make_interval(mins => ${channels.silentAfterMinutes})
              between ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz and ${now.toISOString()}::timestamptz`,
    );
}
