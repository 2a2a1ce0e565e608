// Message templates: sync a channel's templates from the Graph API (all pages), list them for the composer.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { listMessageTemplates, syncChannelTemplates } from '../domain/templates';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, pageOf } from '../openapi/responses';
import { Template, templatesQuery } from '../schemas/channels';

const tags = ['Templates'];

export function registerTemplates(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/templates', tags, summary: 'The organisation’s message templates', request: { query: templatesQuery }, responses: { 200: json(pageOf(Template), 'By name and language'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      const data = await withOrg(c.var.db, actor.orgId, (tx) => listMessageTemplates(tx, actor.orgId, c.req.valid('query')));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/channels/{id}/templates/sync',
      tags,
      summary: 'Fetch a Meta channel’s templates from its WhatsApp Business Account',
      request: { params: idParam },
      responses: { 200: json(z.object({ synced: z.number().int() }), 'How many templates were synced'), ...errors(404, 422, 502) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'templates.manage');
      const { id } = c.req.valid('param');
      const synced = await syncChannelTemplates(c.env, c.var.db, actor, id);
      if (synced === null) return notFoundAudited(c, 'channel', id);
      return c.json({ synced }, 200);
    },
  );
}
