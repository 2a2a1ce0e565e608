import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tstz } from './ids';
import { tenantId } from './platform';

/**
 * An organisation's data keys (issue 21 §4, worker/lib/envelope.ts), wrapped by the master key `master_key_id`.
 * Stored ciphertext names its `key_id`. Retired keys still decrypt; destroying one (wrapped_key null) shreds its data.
 */
export const organizationKeys = pgTable(
  'organization_keys',
  {
    organizationId: tenantId(),
    keyId: text('key_id').notNull(),
    wrappedKey: text('wrapped_key'),
    masterKeyId: text('master_key_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    retiredAt: tstz('retired_at'),
    destroyedAt: tstz('destroyed_at'),
  },
  (t) => [
    primaryKey({ name: 'organization_keys_pkey', columns: [t.organizationId, t.keyId] }),
    uniqueIndex('organization_keys_org_active_idx').on(t.organizationId).where(sql`${t.retiredAt} is null and ${t.destroyedAt} is null`),
    check('organization_keys_destroyed_ck', sql`(${t.destroyedAt} is null) = (${t.wrappedKey} is not null)`),
  ],
);
export type OrganizationKey = typeof organizationKeys.$inferSelect;
