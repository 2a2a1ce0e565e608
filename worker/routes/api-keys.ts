// /api/v1/api-keys: admins create (the key is in the 201 answer, and never again), list and revoke keys.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createApiKey, listApiKeys, revokeApiKey } from '../domain/api-keys';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { ApiKey, ApiKeyInfo, createApiKeyBody } from '../schemas/api-keys';

const tags = ['API keys'];

export function registerApiKeys(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/api-keys', tags, summary: 'The organisation’s API keys (admins)', responses: { 200: json(pageOf(ApiKeyInfo), 'Newest first, revoked ones too'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listApiKeys(tx, actor.orgId));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/api-keys',
      tags,
      summary: 'Create a key with scopes and an optional expiry',
      request: jsonBody(createApiKeyBody),
      responses: { 201: json(z.object({ apiKey: ApiKey, key: z.string().meta({ description: '`cv_live_…`, shown in this answer only: send it as `Authorization: Bearer <key>`' }) }), 'Created'), ...errors() },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'integrations.manage');
      const { key, ...apiKey } = await withOrg(c.var.db, actor.orgId, (tx) => createApiKey(tx, actor, c.req.valid('json')));
      return c.json({ apiKey, key }, 201);
    },
  );

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/api-keys/{id}', tags, summary: 'Revoke a key (at once)', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const found = await withOrg(c.var.db, actor.orgId, (tx) => revokeApiKey(tx, actor, id));
    if (!found) return notFoundAudited(c, 'api key', id);
    return c.body(null, 204);
  });
}
