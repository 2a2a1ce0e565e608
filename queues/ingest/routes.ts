// Which organisation and channel an event belongs to: Meta names its phone number id, Evolution comes on its
// channel's URL. A routing read costs a round trip (and, on a new connection, its set-up) before any organisation's
// transaction can start (issue 18), so routes found are kept in the isolate for a while — but only as a guess: every
// organisation's transaction reads its channels in its first round trip (withOrg's `read`, no extra round trip) and
// stores nothing for a route that is no longer an active channel of that organisation (StaleRoutes: the consumer
// routes those webhooks again). The channels' settings (bot, hours, survey, outgoing webhooks) are always the ones
// read in the transaction, never the cached ones.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../worker/db/client';
import { channels } from '../../worker/db/schema';

const AUTOMATED = `coalesce((bot->>'enabled')::boolean, false) or coalesce((business_hours->>'enabled')::boolean, false)`;
const SURVEYS = `coalesce((csat->>'enabled')::boolean, false)`;
const WEBHOOKS = `exists (select 1 from webhook_endpoints w where w.organization_id = channels.organization_id and w.enabled)`;

const routeColumns = {
  id: channels.id,
  orgId: channels.organizationId,
  phoneNumberId: channels.phoneNumberId,
  provider: channels.provider,
  // A menu bot or business hours on: the service desk looks at this organisation's new messages after commit.
  automated: sql<boolean>`${sql.raw(AUTOMATED)}`,
  // A satisfaction survey on: the store looks for open surveys this batch's customers may be answering.
  surveys: sql<boolean>`${sql.raw(SURVEYS)}`,
  // An outgoing webhook endpoint on: only then are this organisation's events queued for delivery (no queue send,
  // and no consumer work, for the many organisations without one).
  webhooks: sql<boolean>`${sql.raw(WEBHOOKS)}`,
};

export type Route = { id: string; orgId: string; phoneNumberId: string | null; provider: string; automated: boolean; surveys: boolean; webhooks: boolean };

/**
 * The organisation's active channels with their settings, read as the tenant (RLS) in withOrg's first round trip.
 * Constant text: withOrg sends it with BEGIN in one simple-protocol query, which takes no parameters.
 */
export const ORG_CHANNELS_SQL = `select id, organization_id as "orgId", phone_number_id as "phoneNumberId", provider, ${AUTOMATED} as automated, ${SURVEYS} as surveys, ${WEBHOOKS} as webhooks from channels where organization_id = current_setting('app.org_id')::uuid and status = 'active'`;

/** The route key of each active channel: `phone:<id>` for Meta, `channel:<id>` for Evolution. */
function keysOf(r: Route): string[] {
  return [...(r.provider === 'evolution' ? [`channel:${r.id}`] : []), ...(r.phoneNumberId ? [`phone:${r.phoneNumberId}`] : [])];
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { route: Route; until: number }>();

/** Routes for these keys: from the cache where it has them, the rest read from the database (as the owner). */
export async function routesFor(db: Db, keys: string[]): Promise<Map<string, Route>> {
  const now = Date.now();
  const found = new Map<string, Route>();
  const phoneIds: string[] = [];
  const channelIds: string[] = [];
  for (const key of keys) {
    const hit = cache.get(key);
    if (hit && hit.until > now) found.set(key, hit.route);
    else if (key.startsWith('phone:')) phoneIds.push(key.slice('phone:'.length));
    else channelIds.push(key.slice('channel:'.length));
  }
  if (phoneIds.length + channelIds.length === 0) return found;
  const [byPhone, byChannel] = await Promise.all([
    phoneIds.length ? db.select(routeColumns).from(channels).where(and(inArray(channels.phoneNumberId, phoneIds), eq(channels.status, 'active'))) : [],
    channelIds.length
      ? db
          .select(routeColumns)
          .from(channels)
          .where(and(inArray(channels.id, channelIds), eq(channels.provider, 'evolution'), eq(channels.status, 'active')))
      : [],
  ]);
  if (cache.size > 10_000) cache.clear();
  for (const r of [...byPhone, ...byChannel]) {
    for (const key of keysOf(r)) {
      found.set(key, r);
      cache.set(key, { route: r, until: now + TTL_MS });
    }
  }
  return found;
}

/** True when every key would be answered by the cache (no routing read). */
export function allCached(keys: string[]): boolean {
  const now = Date.now();
  return keys.every((k) => (cache.get(k)?.until ?? 0) > now);
}

/** The organisation each key had when last routed here: a guess of how many organisations a batch holds. */
export function lastOrgOf(key: string): string | undefined {
  return cache.get(key)?.route.orgId;
}

/** A share routed to channels its organisation no longer has active: nothing was stored; route it again. */
export class StaleRoutes extends Error {
  override name = 'StaleRoutes';
  constructor(readonly keys: string[]) {
    super(`routes no longer valid: ${keys.join(', ')}`);
  }
}

/**
 * Checks a share's routes against the channels its transaction read (ORG_CHANNELS_SQL); forgets and throws for any
 * that no longer match. Returns the settings of the share's channels as of this transaction.
 */
export function checkRoutes(routeKeys: Iterable<string>, channelIdOf: (key: string) => string | undefined, rows: Route[]): Pick<Route, 'automated' | 'surveys' | 'webhooks'> {
  const byKey = new Map(rows.flatMap((r) => keysOf(r).map((k) => [k, r] as const)));
  const stale: string[] = [];
  const flags = { automated: false, surveys: false, webhooks: rows.some((r) => r.webhooks) };
  for (const key of routeKeys) {
    const row = byKey.get(key);
    if (!row || row.id !== channelIdOf(key)) stale.push(key);
    else {
      flags.automated ||= row.automated;
      flags.surveys ||= row.surveys;
    }
  }
  if (stale.length) {
    for (const key of stale) cache.delete(key);
    throw new StaleRoutes(stale);
  }
  return flags;
}

/** Forget these routes (a share found them stale): the next batch reads them again. */
export function forgetRoutes(keys: Iterable<string>): void {
  for (const key of keys) cache.delete(key);
}
