// /api/v1/channels/:id/automation: a number's menu bot, business hours and satisfaction survey (admins).
import type { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { channelAutomation, saveChannelAutomation } from '../domain/channel-automation';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';
import { channelAutomationBody } from '../schemas/service-desk';

const idParam = z.object({ id: z.uuid() });

export function registerChannelAutomation(app: Hono<AppEnv>) {
  app.get('/api/v1/channels/:id/automation', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.automation');
    const { id } = c.req.valid('param');
    const automation = await withOrg(c.var.db, actor.orgId, (tx) => channelAutomation(tx, actor.orgId, id));
    if (!automation) return notFoundAudited(c, 'channel', id);
    return c.json(automation);
  });

  app.put('/api/v1/channels/:id/automation', validate('param', idParam), validate('json', channelAutomationBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'channels.automation');
    const { id } = c.req.valid('param');
    const automation = await withOrg(c.var.db, actor.orgId, (tx) => saveChannelAutomation(tx, actor, id, c.req.valid('json')));
    if (!automation) return notFoundAudited(c, 'channel', id);
    return c.json(automation);
  });
}
