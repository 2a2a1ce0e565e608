// /api/v1/api-keys: admins create (the key is in the 201 answer, and never again), list and revoke keys.
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { createApiKey, createApiKeyBody, listApiKeys, revokeApiKey } from '../domain/api-keys';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';

const idParam = z.object({ id: z.uuid() });

export function registerApiKeys(app: Hono<AppEnv>) {
  app.get('/api/v1/api-keys', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listApiKeys(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/api-keys', validate('json', createApiKeyBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const body = c.req.valid('json');
    const { key, ...apiKey } = await withOrg(c.var.db, actor.orgId, (tx) => createApiKey(tx, actor, body));
    return c.json({ apiKey, key }, 201);
  });

  app.delete('/api/v1/api-keys/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'integrations.manage');
    const { id } = c.req.valid('param');
    const found = await withOrg(c.var.db, actor.orgId, (tx) => revokeApiKey(tx, actor, id));
    if (!found) return notFoundAudited(c, 'api key', id);
    return c.body(null, 204);
  });
}
