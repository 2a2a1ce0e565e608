// Outgoing webhook endpoints and their delivery log. Management runs inside withOrg (RLS-scoped); the queue consumer
// (queues/webhook-deliveries.ts) uses the fan-out and attempt functions, also inside withOrg.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { memberships, users, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from '../db/schema';
import type { Db } from '../db/client';
import { withOrg, type Tx } from '../db/tx';
import { ApiError } from '../errors';
import { open, seal, type SecretKeys } from '../lib/secret-box';
import type { CreateEndpointBody, UpdateEndpointBody } from '../schemas/webhook-endpoints';
import { subscribes, type WebhookEvent } from '../webhooks-out/events';
import { generateWebhookSecret } from '../webhooks-out/sign';

const secretContext = (endpointId: string) => `webhook:${endpointId}`;

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  failingSince: webhookEndpoints.failingSince,
  disabledReason: webhookEndpoints.disabledReason,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** Creates the endpoint with a fresh signing secret, returned this once (sealed at rest). */
export async function createEndpoint(tx: Tx, keys: SecretKeys, actor: Actor, body: CreateEndpointBody & { url: string }) {
  const id = uuidv7();
  const secret = generateWebhookSecret();
  const [row] = await tx
    .insert(webhookEndpoints)
    .values({
      id,
      organizationId: actor.orgId,
      url: body.url,
      events: body.events,
      description: body.description ?? null,
      enabled: body.enabled ?? true,
      secretSealed: await seal(keys, secret, secretContext(id)),
      createdBy: actor.userId,
    })
    .returning(endpointColumns);
  await recordAudit(tx, { action: 'webhook_endpoint.created', ...byActor(actor), targetType: 'webhook_endpoint', targetId: id, metadata: { url: body.url, events: body.events } });
  return { endpoint: row!, secret };
}

export async function listEndpoints(tx: Tx, orgId: string) {
  return tx.select(endpointColumns).from(webhookEndpoints).where(eq(webhookEndpoints.organizationId, orgId)).orderBy(desc(webhookEndpoints.createdAt));
}

export async function findEndpoint(tx: Tx, orgId: string, id: string) {
  const [row] = await tx.select(endpointColumns).from(webhookEndpoints).where(and(eq(webhookEndpoints.organizationId, orgId), eq(webhookEndpoints.id, id)));
  return row ?? null;
}

/** Re-enabling clears the failure run, so a fixed receiver gets a fresh 24 hours. */
export async function updateEndpoint(tx: Tx, actor: Actor, id: string, body: UpdateEndpointBody) {
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ ...body, ...(body.enabled ? { failingSince: null, disabledReason: null } : {}) })
    .where(and(eq(webhookEndpoints.organizationId, actor.orgId), eq(webhookEndpoints.id, id)))
    .returning(endpointColumns);
  if (row) await recordAudit(tx, { action: 'webhook_endpoint.updated', ...byActor(actor), targetType: 'webhook_endpoint', targetId: id, metadata: body });
  return row ?? null;
}

export async function deleteEndpoint(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  const [row] = await tx
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, actor.orgId), eq(webhookEndpoints.id, id)))
    .returning({ url: webhookEndpoints.url });
  if (row) await recordAudit(tx, { action: 'webhook_endpoint.deleted', ...byActor(actor), targetType: 'webhook_endpoint', targetId: id, metadata: { url: row.url } });
  return Boolean(row);
}

/** A new secret replaces the old at once (receivers update theirs from this answer). */
export async function rotateEndpointSecret(tx: Tx, keys: SecretKeys, actor: Actor, id: string): Promise<string | null> {
  const secret = generateWebhookSecret();
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ secretSealed: await seal(keys, secret, secretContext(id)) })
    .where(and(eq(webhookEndpoints.organizationId, actor.orgId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  if (!row) return null;
  await recordAudit(tx, { action: 'webhook_endpoint.secret_rotated', ...byActor(actor), targetType: 'webhook_endpoint', targetId: id });
  return secret;
}

/** An endpoint's deliveries, newest first, each with its attempts (the log). */
export async function listDeliveries(tx: Tx, orgId: string, endpointId: string, limit = 50) {
  const rows = await tx
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      createdAt: webhookDeliveries.createdAt,
      updatedAt: webhookDeliveries.updatedAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.endpointId, endpointId)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  const attempts = rows.length
    ? await tx
        .select()
        .from(webhookDeliveryAttempts)
        .where(and(eq(webhookDeliveryAttempts.organizationId, orgId), inArray(webhookDeliveryAttempts.deliveryId, rows.map((r) => r.id))))
        .orderBy(webhookDeliveryAttempts.attempt)
    : [];
  return rows.map((r) => ({
    ...r,
    log: attempts
      .filter((a) => a.deliveryId === r.id)
      .map(({ attempt, statusCode, latencyMs, responseSnippet, error, createdAt }) => ({ attempt, statusCode, latencyMs, responseSnippet, error, createdAt })),
  }));
}

/** Puts a delivery back to pending for a replay; null when it is not this endpoint's. */
export async function resetDeliveryForReplay(tx: Tx, actor: Actor, endpointId: string, deliveryId: string) {
  const [row] = await tx
    .update(webhookDeliveries)
    .set({ state: 'pending' })
    .where(and(eq(webhookDeliveries.organizationId, actor.orgId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)))
    .returning({ id: webhookDeliveries.id });
  if (row) await recordAudit(tx, { action: 'webhook_delivery.replayed', ...byActor(actor), targetType: 'webhook_delivery', targetId: deliveryId, metadata: { endpointId } });
  return row ?? null;
}

/** An endpoint's delivery log (listDeliveries), or null when the organisation has no such endpoint. */
export async function endpointDeliveries(tx: Tx, orgId: string, endpointId: string, limit: number) {
  return (await findEndpoint(tx, orgId, endpointId)) ? listDeliveries(tx, orgId, endpointId, limit) : null;
}

/**
 * Queues a delivery again (its exact body, to its endpoint); null when queued, else what is not this organisation's
 * (the endpoint or the delivery). A disabled endpoint is a 409, a queue that refuses the message a 503.
 */
export async function replayDelivery(db: Db, queue: Queue, actor: Actor, endpointId: string, deliveryId: string): Promise<'webhook endpoint' | 'webhook delivery' | null> {
  const endpoint = await withOrg(db, actor.orgId, (tx) => findEndpoint(tx, actor.orgId, endpointId));
  if (!endpoint) return 'webhook endpoint';
  if (!endpoint.enabled) throw new ApiError(409, 'endpoint_disabled', 'Enable the endpoint before replaying its deliveries');
  const delivery = await withOrg(db, actor.orgId, (tx) => resetDeliveryForReplay(tx, actor, endpointId, deliveryId));
  if (!delivery) return 'webhook delivery';
  try {
    await queue.send({ type: 'webhook.deliver', organizationId: actor.orgId, deliveryId }, { contentType: 'json' });
  } catch {
    throw new ApiError(503, 'enqueue_failed', 'Could not queue the replay now; try again');
  }
  return null;
}

// ---- the consumer's side ----

/** One delivery row per (subscribed enabled endpoint, event); an event seen twice makes no second row. */
export async function fanOut(tx: Tx, orgId: string, events: WebhookEvent[]): Promise<string[]> {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, orgId), eq(webhookEndpoints.enabled, true)));
  const rows = endpoints.flatMap((ep) =>
    events
      .filter((e) => subscribes(ep.events, e.type))
      .map((e) => ({
        organizationId: orgId,
        endpointId: ep.id,
        eventId: e.id,
        eventType: e.type,
        body: JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt, organizationId: orgId, data: e.data }),
      })),
  );
  if (rows.length === 0) return [];
  const inserted = await tx.insert(webhookDeliveries).values(rows).onConflictDoNothing().returning({ id: webhookDeliveries.id });
  return inserted.map((r) => r.id);
}

/** A delivery with what sending it needs (the secret opened). Null when gone. */
export async function deliveryToSend(tx: Tx, keys: SecretKeys, orgId: string, deliveryId: string) {
  const [row] = await tx
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      body: webhookDeliveries.body,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      endpointId: webhookEndpoints.id,
      url: webhookEndpoints.url,
      enabled: webhookEndpoints.enabled,
      secretSealed: webhookEndpoints.secretSealed,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, deliveryId)));
  if (!row) return null;
  const { secretSealed, ...rest } = row;
  return { ...rest, secret: await open(keys, secretSealed, secretContext(row.endpointId)) };
}

export interface AttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  ok: boolean;
}

/**
 * Logs an attempt and moves the delivery and its endpoint on. A failure starts (or continues) the endpoint's failure
 * run; returns how long that run has lasted, so the caller can disable an endpoint failing for 24 hours.
 */
export async function recordAttempt(tx: Tx, orgId: string, d: { id: string; endpointId: string }, attempt: number, outcome: AttemptOutcome, final: boolean) {
  await tx.insert(webhookDeliveryAttempts).values({
    organizationId: orgId,
    deliveryId: d.id,
    attempt,
    statusCode: outcome.statusCode,
    latencyMs: outcome.latencyMs,
    responseSnippet: outcome.responseSnippet,
    error: outcome.error,
  });
  await tx
    .update(webhookDeliveries)
    .set({ attempts: attempt, state: outcome.ok ? 'succeeded' : final ? 'failed' : 'pending' })
    .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, d.id)));
  const [ep] = await tx
    .update(webhookEndpoints)
    .set({ failingSince: outcome.ok ? null : sql`coalesce(${webhookEndpoints.failingSince}, now())` })
    .where(and(eq(webhookEndpoints.organizationId, orgId), eq(webhookEndpoints.id, d.endpointId)))
    .returning({ failingSince: webhookEndpoints.failingSince });
  return { failingForMs: ep?.failingSince ? Date.now() - ep.failingSince.getTime() : 0 };
}

export async function failDelivery(tx: Tx, orgId: string, deliveryId: string) {
  await tx.update(webhookDeliveries).set({ state: 'failed' }).where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, deliveryId)));
}

/** Disables a failing endpoint (once) and returns the admins to tell, or null when it was already disabled. */
export async function disableFailingEndpoint(tx: Tx, orgId: string, endpointId: string, reason: string) {
  const [ep] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason })
    .where(and(eq(webhookEndpoints.organizationId, orgId), eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning({ url: webhookEndpoints.url });
  if (!ep) return null;
  await recordAudit(tx, { action: 'webhook_endpoint.disabled', organizationId: orgId, actorType: 'system', targetType: 'webhook_endpoint', targetId: endpointId, metadata: { url: ep.url, reason } });
  const admins = await tx
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'tenant_admin')));
  return { url: ep.url, admins: admins.map((a) => a.email) };
}
