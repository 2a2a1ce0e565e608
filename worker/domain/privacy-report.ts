// The records of processing (LGPD art. 37) for one organisation, generated — not written by hand — from the personal
// data inventory (worker/privacy/inventory.ts), the organisation's retention settings, its channels, keys and webhook
// endpoints, the role policy, its content encryption keys, and the deployment's configuration (which database, mail
// and WhatsApp providers, whether content encryption is configured).
import { and, count, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { RULES } from '../auth/policy';
import { REFRESH_TOKEN_TTL_SECONDS } from '../auth/tokens';
import { RESET_TTL_MS } from '../auth/password-reset';
import { apiKeys, channels, contacts, conversations, deals, memberships, messages, organizationKeys, organizations, retentionRuns, webhookEndpoints } from '../db/schema';
import type { Tx } from '../db/tx';
import type { Env } from '../env';
import { ENCRYPTED_AT_REST, NO_PERSONAL_DATA, NOT_ENCRYPTED, OTHER_STORES, PERSONAL_TABLES, SEARCH_DOCUMENT, type Keep } from '../privacy/inventory';
import { plaintextCounts } from './platform-encryption';
import { INVITATION_TTL_MS } from './invitations';
import { RAW_WEBHOOK_DAYS } from '../jobs/raw-webhooks';
import type { PrivacyReport } from '../schemas/privacy';

type Config = Pick<Env, 'DATABASE_URL' | 'META_GRAPH_BASE_URL' | 'EVOLUTION_API_URL' | 'MAIL_PROVIDER' | 'MAIL_API_BASE_URL' | 'ENCRYPTION_MASTER_KEYS'>;

const DAY_MS = 86_400_000;
const days = (ms: number) => Math.max(1, Math.round(ms / DAY_MS));
/** Days a row lives under a rule where one number of days bounds it. */
const EXPIRY_DAYS: Record<string, number> = {
  sessions: days(REFRESH_TOKEN_TTL_SECONDS * 1000),
  password_resets: days(RESET_TTL_MS),
  invitations: days(INVITATION_TTL_MS),
  // Deleted once ingested; what a failure left behind goes after this many days (jobs/raw-webhooks.ts).
  'r2:raw_webhooks': RAW_WEBHOOK_DAYS,
  // Access-request ZIPs: the link lives a day, the daily sweep deletes the file (jobs/data-exports.ts).
  'r2:data_exports': 1,
};

const host = (url: string | undefined) => {
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
};

export async function privacyReport(tx: Tx, config: Config, orgId: string, now = new Date()): Promise<PrivacyReport | null> {
  const [org] = await tx
    .select({ id: organizations.id, name: organizations.name, enabled: organizations.retentionEnabled, days: organizations.retentionDays, graceDays: organizations.graceDays })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) return null;
  const [providers, roles, keys, endpoints, [held], [contactCount], [messageCount]] = await Promise.all([
    tx.selectDistinct({ provider: channels.provider }).from(channels).where(and(eq(channels.organizationId, orgId), isNull(channels.disabledAt))),
    tx.select({ role: memberships.role, members: count() }).from(memberships).where(eq(memberships.organizationId, orgId)).groupBy(memberships.role),
    tx
      .select({ name: apiKeys.name, scopes: apiKeys.scopes, expiresAt: apiKeys.expiresAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.organizationId, orgId), isNull(apiKeys.revokedAt), sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${now})`)),
    tx.select({ url: webhookEndpoints.url, events: webhookEndpoints.events }).from(webhookEndpoints).where(and(eq(webhookEndpoints.organizationId, orgId), eq(webhookEndpoints.enabled, true))),
    tx
      .select({ conversations: count(), legalHolds: sql<number>`count(*) filter (where ${conversations.legalHold})`.mapWith(Number) })
      .from(conversations)
      .where(and(eq(conversations.organizationId, orgId), isNull(conversations.deletedAt))),
    tx.select({ n: count() }).from(contacts).where(and(eq(contacts.organizationId, orgId), isNull(contacts.deletedAt))),
    tx.select({ n: count() }).from(messages).where(and(eq(messages.organizationId, orgId), isNull(messages.deletedAt))),
  ]);

  const exclusions = await retentionExclusions(tx, orgId);
  // Retention hides a conversation idle for `days` and deletes it `graceDays` later: the longest a message stays.
  const keptFor = (rule: Keep, place?: string) => ({
    rule,
    days: rule === 'retention' && org.enabled ? org.days + org.graceDays : rule === 'expiry' && place ? (EXPIRY_DAYS[place] ?? null) : null,
  });
  const inUse = new Set(providers.map((p) => p.provider));
  const dbHost = host(config.DATABASE_URL);
  const subProcessors: PrivacyReport['subProcessors'] = [
    { name: 'Cloudflare', purpose: 'hosting (Workers), queues, Durable Objects, object storage (R2), logs', endpoint: null },
    dbHost?.endsWith('.neon.tech')
      ? { name: 'Neon', purpose: 'database (PostgreSQL)', endpoint: dbHost }
      : { name: 'PostgreSQL (self-hosted)', purpose: 'database', endpoint: dbHost },
  ];
  if (inUse.has('meta_cloud')) subProcessors.push({ name: 'Meta Platforms (WhatsApp Cloud API)', purpose: 'sending and receiving WhatsApp messages', endpoint: host(config.META_GRAPH_BASE_URL) });
  if (inUse.has('evolution')) subProcessors.push({ name: 'Evolution API', purpose: 'WhatsApp numbers connected by QR code', endpoint: host(config.EVOLUTION_API_URL) });
  if (config.MAIL_PROVIDER === 'http') subProcessors.push({ name: 'E-mail provider', purpose: 'invitations and password resets', endpoint: host(config.MAIL_API_BASE_URL) });

  const members = new Map(roles.map((r) => [r.role, r.members]));
  return {
    generatedAt: now.toISOString(),
    organization: { id: org.id, name: org.name },
    retention: { enabled: org.enabled, days: org.days, graceDays: org.graceDays, legalHolds: held?.legalHolds ?? 0, ...exclusions },
    postgres: Object.entries(PERSONAL_TABLES).map(([table, h]) => ({
      table,
      subjects: [...h.subjects],
      categories: [...h.categories],
      columns: [...h.columns],
      keptFor: keptFor(h.keep, table),
    })),
    otherStores: OTHER_STORES.map((s) => ({ store: s.store, what: s.what, subjects: [...s.subjects], categories: [...s.categories], keptFor: keptFor(s.keep, `${s.store}:${s.what}`) })),
    access: {
      roles: (['tenant_admin', 'manager', 'agent'] as const).map((role) => ({
        role,
        members: members.get(role) ?? 0,
        permissions: Object.entries(RULES)
          .filter(([, rule]) => (rule.roles as readonly string[]).includes(role))
          .map(([action]) => action),
      })),
      apiKeys: keys.map((k) => ({ name: k.name, scopes: [...k.scopes], expiresAt: k.expiresAt?.toISOString() ?? null })),
      webhookEndpoints: endpoints.map((e) => ({ host: host(e.url) ?? e.url, events: [...e.events] })),
    },
    subProcessors,
    counts: { contacts: contactCount?.n ?? 0, conversations: held?.conversations ?? 0, messages: messageCount?.n ?? 0 },
    encryption: await encryptionAtRest(tx, !!config.ENCRYPTION_MASTER_KEYS, orgId),
  };
}

/** Content encryption (issue 21 §4): on or off, the organisation's keys (no material), what it covers and not. */
async function encryptionAtRest(tx: Tx, enabled: boolean, orgId: string): Promise<PrivacyReport['encryption']> {
  const [keys, plaintextRows] = await Promise.all([
    tx.select().from(organizationKeys).where(eq(organizationKeys.organizationId, orgId)).orderBy(desc(organizationKeys.createdAt), desc(organizationKeys.keyId)),
    plaintextCounts(tx, orgId),
  ]);
  return {
    enabled,
    activeKeyId: keys.find((k) => !k.retiredAt && !k.destroyedAt)?.keyId ?? null,
    keys: keys.map((k) => ({
      keyId: k.keyId,
      createdAt: k.createdAt.toISOString(),
      retiredAt: k.retiredAt?.toISOString() ?? null,
      destroyedAt: k.destroyedAt?.toISOString() ?? null,
    })),
    encrypted: enabled
      ? [...Object.entries(ENCRYPTED_AT_REST.postgres).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`)), ...ENCRYPTED_AT_REST.stores]
      : [],
    plaintextRows,
    searchDocument: { column: `${SEARCH_DOCUMENT.table}.${SEARCH_DOCUMENT.column}`, description: SEARCH_DOCUMENT.what },
    notEncrypted: [...NOT_ENCRYPTED],
  };
}

/**
 * What retention keeps whatever the period (jobs/retention.ts): conversations under legal hold, those with a message
 * marked important, those linked to an open deal; and the latest run with what each exclusion kept.
 */
async function retentionExclusions(tx: Tx, orgId: string) {
  const [[important], [openDeal], [run]] = await Promise.all([
    tx.select({ n: count() }).from(messages).where(and(eq(messages.organizationId, orgId), isNotNull(messages.importantAt), isNull(messages.deletedAt))),
    tx
      .select({ n: sql<number>`count(distinct ${deals.conversationId})`.mapWith(Number) })
      .from(deals)
      .where(and(eq(deals.organizationId, orgId), eq(deals.status, 'open'), isNull(deals.deletedAt), isNotNull(deals.conversationId))),
    tx.select().from(retentionRuns).where(eq(retentionRuns.organizationId, orgId)).orderBy(desc(retentionRuns.startedAt)).limit(1),
  ]);
  const [held] = await tx
    .select({ n: count() })
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.legalHold, true)));
  return {
    exclusions: { legalHoldConversations: held?.n ?? 0, importantMessages: important?.n ?? 0, openDealConversations: openDeal?.n ?? 0 },
    lastRun: run
      ? {
          at: run.startedAt.toISOString(),
          status: run.status,
          softDeleted: run.softDeleted,
          hardDeleted: run.hardDeleted,
          kept: { legalHold: run.keptLegalHold, important: run.keptImportant, openDeal: run.keptOpenDeal },
        }
      : null,
  };
}

/** Tables the report covers, for the inventory test. */
export const reportedTables = () => [...Object.keys(PERSONAL_TABLES), ...NO_PERSONAL_DATA];
