import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { channelProviderEnum, channelStatusEnum } from './enums';
import { idRandom, timestamps, tstz } from './ids';
import type { BotConfig, CsatConfig, HoursConfig } from '../../schemas/service-desk';
import { tenantId } from './platform';

export const channels = pgTable(
  'channels',
  {
    id: idRandom(),
    organizationId: tenantId(),
    provider: channelProviderEnum('provider').notNull(),
    name: text('name').notNull(),
    phoneNumberId: text('phone_number_id'),
    wabaId: text('waba_id'),
    displayPhoneNumber: text('display_phone_number'),
    // Ciphertext only; decrypted in the worker with the app key.
    accessTokenEnc: text('access_token_enc'),
    status: channelStatusEnum('status').notNull().default('active'),
    // Evolution API (provider "evolution"): the instance on the Evolution server, its WhatsApp connection as last
    // reported (connection.update: open | connecting | close | refused) and the QR code to scan while connecting.
    // The instance's own token (Evolution's "hash") is sealed in access_token_enc like Meta's token.
    instanceName: text('instance_name'),
    connectionState: text('connection_state').$type<'open' | 'connecting' | 'close' | 'refused'>(),
    qrCode: text('qr_code'),
    qrUpdatedAt: tstz('qr_updated_at'),
    connectionUpdatedAt: tstz('connection_updated_at'),
    /** The last webhook event of any kind: an "open" instance silent for long is flagged (a known Evolution failure). */
    lastEventAt: tstz('last_event_at'),
    /** Sends per minute through this number (Evolution: spaced evenly, to limit the risk of a ban). */
    sendRatePerMinute: integer('send_rate_per_minute').notNull().default(20),
    /** Minutes without any event after which an "open" Evolution instance is flagged as silent. */
    silentAfterMinutes: integer('silent_after_minutes').notNull().default(120),
    /** The menu bot (worker/schemas/service-desk.ts botConfig); null: off. */
    bot: jsonb('bot').$type<BotConfig>(),
    /** Business hours (hoursConfig); null: always open. */
    businessHours: jsonb('business_hours').$type<HoursConfig>(),
    /** The satisfaction survey after a conversation is resolved (csatConfig); null: off. */
    csat: jsonb('csat').$type<CsatConfig>(),
    disabledAt: tstz('disabled_at'),
    ...timestamps(),
  },
  (t) => [
    // Global on purpose: webhooks are routed to a tenant by phone_number_id before any org is known.
    uniqueIndex('channels_phone_number_id_uq').on(t.phoneNumberId),
    index('channels_org_idx').on(t.organizationId),
    // One Evolution server: an instance name reaches one channel.
    uniqueIndex('channels_instance_name_uq').on(t.instanceName).where(sql`instance_name is not null`),
  ],
);
export type Channel = typeof channels.$inferSelect;
export type NewChannel = typeof channels.$inferInsert;
