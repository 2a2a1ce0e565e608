// /api/v1/channels/:id/automation: a number's menu bot, business hours and satisfaction survey (admins).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { channelAutomation, saveChannelAutomation } from '../domain/channel-automation';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody } from '../openapi/responses';
import { botConfig, channelAutomationBody, csatConfig, hoursConfig } from '../schemas/service-desk';

const idParam = z.object({ id: z.uuid() });
const tags = ['Channels'];
/** The channel's menu bot, business hours and satisfaction survey, each as saved (or its defaults). */
const Automation = z.object({ bot: botConfig, hours: hoursConfig, csat: csatConfig }).meta({ id: 'ChannelAutomation' });

export function registerChannelAutomation(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/channels/{id}/automation', tags, summary: 'A number’s menu bot, business hours and survey (admins)', request: { params: idParam }, responses: { 200: json(Automation, 'The settings'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.automation');
      const { id } = c.req.valid('param');
      const automation = await withOrg(c.var.db, actor.orgId, (tx) => channelAutomation(tx, actor.orgId, id));
      if (!automation) return notFoundAudited(c, 'channel', id);
      return c.json(automation, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'put', path: '/api/v1/channels/{id}/automation', tags, summary: 'Save a number’s menu bot, business hours and survey', request: { params: idParam, ...jsonBody(channelAutomationBody) }, responses: { 200: json(Automation, 'As saved'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'channels.automation');
      const { id } = c.req.valid('param');
      const automation = await withOrg(c.var.db, actor.orgId, (tx) => saveChannelAutomation(tx, actor, id, c.req.valid('json')));
      if (!automation) return notFoundAudited(c, 'channel', id);
      return c.json(automation, 200);
    },
  );
}
