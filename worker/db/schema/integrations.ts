import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idV7, timestamps, tstz } from './ids';
import { tenantId, users } from './platform';

export const API_KEY_SCOPES = ['read', 'write', 'send', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * Keys for machine clients (worker/auth/api-keys.ts). Only the SHA-256 of the key is kept: the key is 32 random bytes,
 * so a fast hash is enough (no dictionary to slow down). `prefix` is the visible start, for telling keys apart.
 * Looked up by hash before the organisation is known (asSystem), hence the unique index on key_hash alone.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: idV7(),
    organizationId: tenantId(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().$type<ApiKeyScope[]>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at'),
    /** Refreshed at most once a minute (worker/auth/api-keys.ts): use is recorded without a write per request. */
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_org_idx').on(t.organizationId, t.createdAt)],
);
export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * Outgoing webhooks (worker/webhooks-out/). `secret_sealed` is the signing secret sealed with ENCRYPTION_KEY: it must
 * be read back to sign, so it is encrypted, not hashed. `failing_since` is the start of an unbroken run of failed
 * attempts; 24 h of it disables the endpoint.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: idV7(),
    organizationId: tenantId(),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secretSealed: text('secret_sealed').notNull(),
    failingSince: tstz('failing_since'),
    disabledReason: text('disabled_reason'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  (t) => [index('webhook_endpoints_org_enabled_idx').on(t.organizationId).where(sql`${t.enabled}`)],
);
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

/** One event for one endpoint: the exact body sent (replays resend it byte for byte), and its outcome. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: idV7(),
    organizationId: tenantId(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    /** pending | succeeded | failed */
    state: text('state').$type<'pending' | 'succeeded' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    // At-least-once fan-out: the same event reaching the consumer twice makes one delivery per endpoint.
    uniqueIndex('webhook_deliveries_event_uq').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.organizationId, t.endpointId, t.createdAt),
  ],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** The delivery log: one row per HTTP attempt. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: idV7(),
    organizationId: tenantId(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    /** At most 1 KB of the response body. */
    responseSnippet: text('response_snippet'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_delivery_attempts_delivery_idx').on(t.organizationId, t.deliveryId, t.attempt)],
);
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;

