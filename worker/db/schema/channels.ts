import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { channelProviderEnum, channelStatusEnum } from './enums';
import { idRandom, timestamps, tstz } from './ids';
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
    disabledAt: tstz('disabled_at'),
    ...timestamps(),
  },
  (t) => [
    // Global on purpose: webhooks are routed to a tenant by phone_number_id before any org is known.
    uniqueIndex('channels_phone_number_id_uq').on(t.phoneNumberId),
    index('channels_org_idx').on(t.organizationId),
  ],
);
export type Channel = typeof channels.$inferSelect;
export type NewChannel = typeof channels.$inferInsert;
