// /api/v1/webhook-endpoints: admins register where Conversa posts events (signed, see docs/webhooks.md), read each
// endpoint's delivery log and replay a delivery. The signing secret is in the creation and rotation answers only.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createEndpoint, deleteEndpoint, endpointDeliveries, findEndpoint, listEndpoints, replayDelivery, rotateEndpointSecret, updateEndpoint } from '../domain/webhook-endpoints';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { createEndpointBody, deliveriesQuery, deliveryParam, updateEndpointBody, WebhookDelivery, WebhookEndpoint, webhookSecret } from '../schemas/webhook-endpoints';
import { checkWebhookUrl } from '../webhooks-out/url';

const tags = ['Outgoing webhooks'];
const EndpointAnswer = z.object({ endpoint: WebhookEndpoint });

const missing = (c: Context<AppEnv>, id: string) => notFoundAudited(c, 'webhook endpoint', id);

export function registerWebhookEndpoints(app: ApiApp) {
  registerEndpointSet(app);
  registerEndpointChanges(app);
  registerDeliveries(app);
}

function registerEndpointSet(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/webhook-endpoints', tags, summary: 'The organisation’s webhook endpoints (admins)', responses: { 200: json(pageOf(WebhookEndpoint), 'Newest first'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listEndpoints(tx, actor.orgId));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/webhook-endpoints',
      tags,
      summary: 'Register a URL for chosen events (https, public address)',
      request: jsonBody(createEndpointBody),
      responses: { 201: json(EndpointAnswer.extend({ secret: webhookSecret }), 'Registered, with its signing secret'), ...errors(422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const body = c.req.valid('json');
      const url = checkWebhookUrl(body.url, c.env.APP_ENV);
      const { endpoint, secret } = await withOrg(c.var.db, actor.orgId, (tx) => createEndpoint(tx, c.env, actor, { ...body, url }));
      return c.json({ endpoint, secret }, 201);
    },
  );

  openapi(app, createRoute({ method: 'get', path: '/api/v1/webhook-endpoints/{id}', tags, summary: 'One endpoint', request: { params: idParam }, responses: { 200: json(EndpointAnswer, 'The endpoint'), ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const endpoint = await withOrg(c.var.db, actor.orgId, (tx) => findEndpoint(tx, actor.orgId, id));
    if (!endpoint) return missing(c, id);
    return c.json({ endpoint }, 200);
  });
}

function registerEndpointChanges(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/webhook-endpoints/{id}',
      tags,
      summary: 'Change the URL, events or description; enable (a fresh 24 hours) or disable',
      request: { params: idParam, ...jsonBody(updateEndpointBody) },
      responses: { 200: json(EndpointAnswer, 'The endpoint as changed'), ...errors(404, 422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const url = body.url === undefined ? undefined : checkWebhookUrl(body.url, c.env.APP_ENV);
      const endpoint = await withOrg(c.var.db, actor.orgId, (tx) => updateEndpoint(tx, actor, id, { ...body, ...(url ? { url } : {}) }));
      if (!endpoint) return missing(c, id);
      return c.json({ endpoint }, 200);
    },
  );

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/webhook-endpoints/{id}', tags, summary: 'Delete an endpoint and its delivery log', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteEndpoint(tx, actor, id)))) return missing(c, id);
    return c.body(null, 204);
  });

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/webhook-endpoints/{id}/rotate-secret', tags, summary: 'A new signing secret, replacing the old at once', request: { params: idParam }, responses: { 200: json(z.object({ secret: webhookSecret }), 'The new secret'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const { id } = c.req.valid('param');
      const secret = await withOrg(c.var.db, actor.orgId, (tx) => rotateEndpointSecret(tx, c.env, actor, id));
      if (!secret) return missing(c, id);
      return c.json({ secret }, 200);
    },
  );
}

function registerDeliveries(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/webhook-endpoints/{id}/deliveries',
      tags,
      summary: 'An endpoint’s delivery log: each delivery with its attempts (status, latency, response)',
      request: { params: idParam, query: deliveriesQuery },
      responses: { 200: json(pageOf(WebhookDelivery), 'Newest first'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const { id } = c.req.valid('param');
      const data = await withOrg(c.var.db, actor.orgId, (tx) => endpointDeliveries(tx, actor.orgId, id, c.req.valid('query').limit));
      if (!data) return missing(c, id);
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay',
      tags,
      summary: 'Send a delivery again (the same body, newly signed)',
      request: { params: deliveryParam },
      responses: { 202: json(z.object({ delivery: z.object({ id: z.uuid(), state: z.literal('pending') }) }), 'Queued'), ...errors(404, 409, 503) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const { id, deliveryId } = c.req.valid('param');
      const notMine = await replayDelivery(c.var.db, c.env.OUTBOUND_QUEUE, actor, id, deliveryId);
      if (notMine) return notFoundAudited(c, notMine, notMine === 'webhook endpoint' ? id : deliveryId);
      return c.json({ delivery: { id: deliveryId, state: 'pending' as const } }, 202);
    },
  );
}
