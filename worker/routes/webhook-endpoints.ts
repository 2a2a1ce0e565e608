// /api/v1/webhook-endpoints: admins register where Conversa posts events (signed, see docs/webhooks.md), read each
// endpoint's delivery log and replay a delivery. The signing secret is in the creation and rotation answers only.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import {
  createEndpoint,
  createEndpointBody,
  deleteEndpoint,
  findEndpoint,
  listDeliveries,
  listEndpoints,
  resetDeliveryForReplay,
  rotateEndpointSecret,
  updateEndpoint,
  updateEndpointBody,
} from '../domain/webhook-endpoints';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { validate } from '../middleware/validate';
import { checkWebhookUrl } from '../webhooks-out/url';

const idParam = z.object({ id: z.uuid() });
const deliveryParam = z.object({ id: z.uuid(), deliveryId: z.uuid() });
const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

const missing = (c: Context<AppEnv>, id: string) => notFoundAudited(c, 'webhook endpoint', id);

export function registerWebhookEndpoints(app: Hono<AppEnv>) {
  app.get('/api/v1/webhook-endpoints', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listEndpoints(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/webhook-endpoints', validate('json', createEndpointBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const body = c.req.valid('json');
    const url = checkWebhookUrl(body.url, c.env.APP_ENV);
    const { endpoint, secret } = await withOrg(c.var.db, actor.orgId, (tx) => createEndpoint(tx, c.env, actor, { ...body, url }));
    return c.json({ endpoint, secret }, 201);
  });

  app.get('/api/v1/webhook-endpoints/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const endpoint = await withOrg(c.var.db, actor.orgId, (tx) => findEndpoint(tx, actor.orgId, id));
    if (!endpoint) return missing(c, id);
    return c.json({ endpoint });
  });

  app.patch('/api/v1/webhook-endpoints/:id', validate('param', idParam), validate('json', updateEndpointBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const url = body.url === undefined ? undefined : checkWebhookUrl(body.url, c.env.APP_ENV);
    const endpoint = await withOrg(c.var.db, actor.orgId, (tx) => updateEndpoint(tx, actor, id, { ...body, ...(url ? { url } : {}) }));
    if (!endpoint) return missing(c, id);
    return c.json({ endpoint });
  });

  app.delete('/api/v1/webhook-endpoints/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteEndpoint(tx, actor, id)))) return missing(c, id);
    return c.body(null, 204);
  });

  app.post('/api/v1/webhook-endpoints/:id/rotate-secret', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const secret = await withOrg(c.var.db, actor.orgId, (tx) => rotateEndpointSecret(tx, c.env, actor, id));
    if (!secret) return missing(c, id);
    return c.json({ secret });
  });

  app.get('/api/v1/webhook-endpoints/:id/deliveries', validate('param', idParam), validate('query', deliveriesQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const data = await withOrg(c.var.db, actor.orgId, async (tx) => ((await findEndpoint(tx, actor.orgId, id)) ? listDeliveries(tx, actor.orgId, id, c.req.valid('query').limit) : null));
    if (!data) return missing(c, id);
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/webhook-endpoints/:id/deliveries/:deliveryId/replay', validate('param', deliveryParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id, deliveryId } = c.req.valid('param');
    const endpoint = await withOrg(c.var.db, actor.orgId, (tx) => findEndpoint(tx, actor.orgId, id));
    if (!endpoint) return missing(c, id);
    if (!endpoint.enabled) throw new ApiError(409, 'endpoint_disabled', 'Enable the endpoint before replaying its deliveries');
    const delivery = await withOrg(c.var.db, actor.orgId, (tx) => resetDeliveryForReplay(tx, actor, id, deliveryId));
    if (!delivery) return notFoundAudited(c, 'webhook delivery', deliveryId);
    try {
      await c.env.OUTBOUND_QUEUE.send({ type: 'webhook.deliver', organizationId: actor.orgId, deliveryId }, { contentType: 'json' });
    } catch {
      throw new ApiError(503, 'enqueue_failed', 'Could not queue the replay now; try again');
    }
    return c.json({ delivery: { id: deliveryId, state: 'pending' } }, 202);
  });
}
