// GET /api/v1/organization/privacy-report: the records of processing (LGPD art. 37), generated from the inventory
// (worker/privacy/inventory.ts), the organisation's settings and the deployment's configuration.
import { z } from 'zod';
import { instant } from '../openapi/responses';

const Subject = z.enum(['customers', 'team']);
const Category = z.enum(['identity', 'profile', 'message_content', 'activity', 'commercial', 'feedback', 'credentials', 'network']);
const Keep = z.enum(['retention', 'erasure', 'membership', 'expiry', 'indefinite']);

/** How long, under the current settings: `days` when a number of days bounds it, null when something else does. */
const KeptFor = z.object({ rule: Keep, days: z.number().int().nullable() });

export const PrivacyReport = z
  .object({
    generatedAt: instant,
    organization: z.object({ id: z.uuid(), name: z.string() }),
    retention: z.object({
      enabled: z.boolean(),
      days: z.number().int(),
      graceDays: z.number().int(),
      legalHolds: z.number().int(),
      /** What retention never removes (jobs/retention.ts): conversations under legal hold, with an important message, or linked to an open deal. */
      exclusions: z.object({ legalHoldConversations: z.number().int(), importantMessages: z.number().int(), openDealConversations: z.number().int() }),
      /** The latest run, with what each exclusion kept; null before the first. */
      lastRun: z
        .object({
          at: instant,
          status: z.string(),
          softDeleted: z.number().int(),
          hardDeleted: z.number().int(),
          kept: z.object({ legalHold: z.number().int(), important: z.number().int(), openDeal: z.number().int() }),
        })
        .nullable(),
    }),
    postgres: z.array(z.object({ table: z.string(), subjects: z.array(Subject), categories: z.array(Category), columns: z.array(z.string()), keptFor: KeptFor })),
    otherStores: z.array(
      z.object({
        store: z.enum(['r2', 'durable_objects', 'queues', 'logs']),
        what: z.string(),
        subjects: z.array(Subject),
        categories: z.array(Category),
        keptFor: KeptFor,
      }),
    ),
    access: z.object({
      roles: z.array(z.object({ role: z.enum(['tenant_admin', 'manager', 'agent']), members: z.number().int(), permissions: z.array(z.string()) })),
      apiKeys: z.array(z.object({ name: z.string(), scopes: z.array(z.string()), expiresAt: instant.nullable() })),
      webhookEndpoints: z.array(z.object({ host: z.string(), events: z.array(z.string()) })),
    }),
    subProcessors: z.array(z.object({ name: z.string(), purpose: z.string(), endpoint: z.string().nullable() })),
    counts: z.object({ contacts: z.number().int(), conversations: z.number().int(), messages: z.number().int() }),
    /** Content encryption at rest (issue 21 §4): whether it is on, the organisation's keys, what it covers and not. */
    encryption: z.object({
      enabled: z.boolean(),
      activeKeyId: z.string().nullable(),
      keys: z.array(z.object({ keyId: z.string(), createdAt: instant, retiredAt: instant.nullable(), destroyedAt: instant.nullable() })),
      /** `table.column` or `store:what`, sealed with the organisation's data key when enabled. */
      encrypted: z.array(z.string()),
      /** Rows written before encryption whose content is still plaintext (sealed by the backfill). */
      plaintextRows: z.object({ messageBodies: z.number().int(), notes: z.number().int(), previews: z.number().int() }),
      /** The plaintext-derived search document kept beside encrypted message bodies: the trade-off for search. */
      searchDocument: z.object({ column: z.string(), description: z.string() }),
      notEncrypted: z.array(z.string()),
    }),
  })
  .meta({ id: 'PrivacyReport' });
export type PrivacyReport = z.infer<typeof PrivacyReport>;
