// Ingest consumer: a batch of verified webhook bodies → events → one transaction per organisation → fan-out.
// Every queue message is acked only once all of its events are stored (or recorded as unroutable). A failure that
// passes (the database unreachable) is retried with backoff for as long as the outage lasts; one that never will (a
// body we cannot read, data Postgres refuses) goes to the dead-letter queue at once, with its reason (queues/retry.ts).
import type { Db } from '../../worker/db/client';
import { unroutableEvents } from '../../worker/db/schema';
import type { Env } from '../../worker/env';
import { createLogger, errorFields, type Logger } from '../../worker/lib/log';
import { parseEvolutionWebhook, type ChannelStateEvent, type EvolutionEvent, type RevokedEvent } from '../evolution/normalise';
import { parseWebhook, type MessageEvent, type MetaEvent } from '../meta/normalise';
import { QUEUE_NAMES, type EvolutionWebhookMessage, type MetaWebhookMessage } from '../messages';
import { notifyStored, publishToInbox } from '../../worker/realtime/notify';
import { emitEvents } from '../../worker/webhooks-out/emit';
import { ingestWebhookEvents } from '../../worker/webhooks-out/ingest-events';
import { openConnections, withOrg } from '../../worker/db/tx';
import { applyChannelStates, channelDto } from '../../worker/domain/channels';
import { deadLetterNow, retryOrDeadLetter } from '../retry';
import { answerAutomatically } from '../service-desk';
import { customerTurns } from '../../worker/service-desk/automation';
import { isSurveyAnswer } from '../../worker/service-desk/csat';
import { routeKey, storeOrgEvents, type OrgEvents } from './store';
import { allCached, checkRoutes, forgetRoutes, lastOrgOf, ORG_CHANNELS_SQL, routesFor, StaleRoutes, type Route } from './routes';
import { inc } from '../../worker/metrics/recorder';

export interface IngestItem {
  message: Message<unknown>;
  body: MetaWebhookMessage | EvolutionWebhookMessage;
}

type Event = MetaEvent | EvolutionEvent;


/** `rerouted`: this is the second pass of webhooks whose cached routes proved stale; no third. */
export async function processWebhooks(items: IngestItem[], env: Env, db: Db, log: Logger, rerouted = false): Promise<void> {
  const startedAt = Date.now();
  const parsed: { item: IngestItem; events: Event[] }[] = [];
  for (const item of items) {
    const raw = item.body.body ?? (await (await env.MEDIA.get(item.body.bodyKey!))?.text());
    if (raw === undefined) {
      log.error('webhook body missing from R2', { key: item.body.bodyKey });
      await deadLetterNow(env, QUEUE_NAMES.ingest, item.message, `webhook body missing from R2 (${item.body.bodyKey})`);
      continue;
    }
    const result = item.body.type === 'evolution.webhook' ? parseEvolutionWebhook(raw, item.body.channelId, new Date(item.body.receivedAt)) : parseWebhook(raw);
    if (!result.ok) {
      // Verified yet unreadable to us: no retry will change that; the dead-letter table keeps it for replay.
      log.error('webhook body not understood', { error: result.error, requestId: item.body.requestId });
      await deadLetterNow(env, QUEUE_NAMES.ingest, item.message, `webhook body not understood: ${result.error}`);
      continue;
    }
    parsed.push({ item, events: result.events });
  }

  const routed = parsed.flatMap((p) => p.events.filter((e) => e.kind !== 'ignored') as { phoneNumberId?: string; channelId?: string }[]);
  const keys = [...new Set(routed.filter((e) => e.channelId || e.phoneNumberId).map(routeKey))];
  // With a routing read to make, the organisations' transactions' connections open while it runs (issue 18: at a few
  // ms per round trip, opening them after it put two more round trips in the batch).
  const expected = Math.min(orgConcurrency(env), new Set(keys.map((k) => lastOrgOf(k) ?? k)).size);
  const warming = allCached(keys) ? undefined : openConnections(db, expected - 1);
  const routeOf = await routesFor(db, keys);
  await warming;

  const byOrg = new Map<string, OrgGroup>();
  const unroutable: { phoneNumberId: string | null; reason: string; payload: unknown }[] = [];
  for (const { item, events } of parsed) {
    for (const e of events) {
      if (e.kind === 'ignored') continue;
      const route = routeOf.get(routeKey(e));
      if (!route) {
        const evolution = 'channelId' in e && e.channelId;
        unroutable.push({
          phoneNumberId: evolution ? null : (e as MessageEvent).phoneNumberId,
          reason: evolution ? 'unknown_or_disabled_evolution_channel' : 'unknown_phone_number_id',
          payload: e,
        });
        continue;
      }
      let group = byOrg.get(route.orgId);
      if (!group) {
        group = { orgId: route.orgId, channelByRoute: new Map(), messages: [], statuses: [], items: new Set(), channelStates: [], revoked: [], automated: false, surveys: false, webhooks: route.webhooks };
        // (The store checks these routes and reads the settings again in its transaction: routes.ts.)
        byOrg.set(route.orgId, group);
      }
      group.channelByRoute.set(routeKey(e), route.id);
      if (route.automated) group.automated = true;
      if (route.surveys) group.surveys = true;
      group.items.add(item);
      if (e.kind === 'message') group.messages.push(e as MessageEvent);
      else if (e.kind === 'status') group.statuses.push(e);
      else if (e.kind === 'channel_state') group.channelStates.push(e);
      else if (e.kind === 'revoked') group.revoked.push(e);
    }
  }

  const failed = new Map<IngestItem, unknown>();
  const stale = new Set<IngestItem>();
  // Organisations are stored concurrently (INGEST_ORG_CONCURRENCY at a time), each in its own transaction on its own
  // connection of the batch's pool.
  // After each one's commit its fan-out (Durable Object calls, no database: the reads were made in the transaction)
  // and media enqueue start at once; all are awaited before the batch ends. Neither ever rejects: a failed notify or
  // enqueue is logged and never fails the stored messages.
  const afterCommit: Promise<void>[] = [];
  const routedAt = Date.now();
  let storedAt = routedAt;
  const queue = [...byOrg.values()];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      try {
        afterCommit.push(...(await storeGroup(env, db, group, log)));
        storedAt = Math.max(storedAt, Date.now());
      } catch (err) {
        if (err instanceof StaleRoutes && !rerouted) {
          log.warn('cached routes no longer valid: routed again', { orgId: group.orgId, routes: err.keys });
          forgetRoutes(group.channelByRoute.keys());
          for (const item of group.items) stale.add(item);
          continue;
        }
        log.error('storing events failed', { ...errorFields(err), orgId: group.orgId });
        for (const item of group.items) failed.set(item, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(orgConcurrency(env), queue.length) }, worker));
  await Promise.all(afterCommit);
  if (env.INGEST_TIMING_LOG === '1') {
    // Where a batch's time goes, for the benchmark (bench/ingest.ts reads these lines): the routing read includes
    // opening the batch's first connection; notify is the fan-out and enqueues still running after the last commit.
    createLogger({}, 'info').info('ingest.timing', {
      batch: items.length,
      orgs: byOrg.size,
      queueWaitMs: items.map((i) => startedAt - Date.parse(i.body.receivedAt)),
      routeMs: routedAt - startedAt,
      storeMs: storedAt - routedAt,
      notifyMs: Date.now() - storedAt,
      totalMs: Date.now() - startedAt,
    });
  }
  if (unroutable.length > 0) {
    try {
      await db.insert(unroutableEvents).values(unroutable.map((u) => ({ ...u, payload: u.payload as object })));
      log.warn('unroutable webhook events recorded', { count: unroutable.length });
    } catch (err) {
      log.error('recording unroutable events failed', errorFields(err));
      for (const { item } of parsed) failed.set(item, err);
    }
  }

  // Webhooks with a stale route are routed again from the database (their other shares, already stored, are
  // skipped then as redeliveries): acked or retried by that pass.
  const again = [...stale].filter((item) => !failed.has(item));
  if (again.length) await processWebhooks(again, env, db, log, true);

  const stored: string[] = [];
  for (const { item } of parsed) {
    if (stale.has(item) && !failed.has(item)) continue;
    if (failed.has(item)) await retryOrDeadLetter(env, QUEUE_NAMES.ingest, item.message, failed.get(item));
    else {
      item.message.ack();
      if (item.body.bodyKey) stored.push(item.body.bodyKey);
    }
  }
  // An oversized body waited in R2 only for this: once stored, it goes (personal data; a daily sweep catches misses).
  if (stored.length) await env.MEDIA.delete(stored).catch((err) => log.warn('raw webhook bodies not deleted', errorFields(err)));
}

type OrgGroup = OrgEvents & { items: Set<IngestItem>; channelStates: ChannelStateEvent[]; revoked: RevokedEvent[]; automated: boolean; webhooks: boolean };

/** One organisation's share: stored in one transaction; returns its after-commit work (fan-out, service desk, media). */
async function storeGroup(env: Env, db: Db, group: OrgGroup, log: Logger): Promise<Promise<void>[]> {
  const after: Promise<void>[] = [];
  // A batch of only QR codes / connection changes has nothing to store: no transaction for it.
  const nothing = group.messages.length + group.statuses.length + (group.revoked?.length ?? 0) === 0;
  const stored = nothing ? { created: [], updated: [], conversationIds: [], pendingStatuses: [] } : await storeOrgEvents(db, group, env.ENCRYPTION_MASTER_KEYS);
  const evolutionChannels = [...group.channelByRoute.keys()].filter((k) => k.startsWith('channel:')).map((k) => k.slice('channel:'.length));
  if (evolutionChannels.length) {
    const states = group.channelStates;
    // Cached routes are a guess here too: news of a channel no longer active in this organisation is routed again.
    const rows = await withOrg(
      db,
      group.orgId,
      (tx, active) => {
        checkRoutes(evolutionChannels.map((id) => `channel:${id}`), (key) => key.slice('channel:'.length), active as Route[]);
        return applyChannelStates(tx, group.orgId, states, evolutionChannels);
      },
      { read: ORG_CHANNELS_SQL },
    );
    const changed = new Set(states.map((s) => s.channelId));
    const events = rows.filter((r) => changed.has(r.id)).map((r) => ({ type: 'channel.updated', data: { channel: channelDto(r) } }));
    if (events.length) after.push(publishToInbox(env, group.orgId, events, log));
  }
  for (const m of stored.created) inc('conversa_messages_stored_total', { direction: m.direction });
  if (stored.pendingStatuses.length) log.info('statuses kept until their send is recorded', { count: stored.pendingStatuses.length });
  after.push(notifyStored(env, db, group.orgId, stored, log));
  // Outgoing webhooks: one queue send per organisation's batch, no database read here (never throws).
  const settings = stored.settings ?? group;
  if (settings.webhooks) after.push(emitEvents(env, group.orgId, ingestWebhookEvents(stored), log));
  // Survey answers are marked by the store only where the channel's survey is on: those always go to the service desk.
  const turns = customerTurns(settings.automated ? stored.created : stored.created.filter(isSurveyAnswer));
  if (turns.size) after.push(answerAutomatically(env, db, group.orgId, turns, log));
  const pendingMedia = stored.created.filter((m) => m.mediaStatus === 'pending');
  if (pendingMedia.length) {
    // A lost enqueue leaves the message "pending"; it is still stored, and the media can be fetched again.
    after.push(
      env.MEDIA_QUEUE.sendBatch(
        pendingMedia.map((m) => ({ body: { type: 'media.fetch', organizationId: group.orgId, messageId: m.id }, contentType: 'json' as const })),
      ).then(
        () => {},
        (err) => log.error('media fetch enqueue failed', errorFields(err)),
      ),
    );
  }
  return after;
}

/**
 * How many organisations of a batch are stored at once, each on its own connection (default 4). With Neon's pooler a
 * connection is a warm server session and round trips dominate, so concurrency wins; a local Postgres forks a cold
 * backend for each, whose first plans cost more than the round trips saved (bench/README.md).
 */
function orgConcurrency(env: Pick<Env, 'INGEST_ORG_CONCURRENCY'>): number {
  const n = Number(env.INGEST_ORG_CONCURRENCY ?? 4);
  return Number.isInteger(n) && n >= 1 ? n : 4;
}
