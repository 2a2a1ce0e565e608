// /api/v1/notifications: the signed-in member's notification centre (mentions in notes, conversations given to them).
import type { Hono } from 'hono';
import { z } from 'zod';
import { withOrg } from '../db/tx';
import { listNotifications, markNotificationsRead, unreadNotifications } from '../domain/notifications';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) });
const readBody = z.object({ ids: z.array(z.uuid()).min(1).max(100).optional() });

export function registerNotifications(app: Hono<AppEnv>) {
  app.get('/api/v1/notifications', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    const { limit } = c.req.valid('query');
    const { data, unread } = await withOrg(c.var.db, actor.orgId, async (tx) => ({
      data: await listNotifications(tx, actor.orgId, actor.userId, limit),
      unread: await unreadNotifications(tx, actor.orgId, actor.userId),
    }));
    return c.json({ data, unread, nextCursor: null });
  });

  // Marks the given notifications (or all) read; only ever the caller's own.
  app.post('/api/v1/notifications/read', validate('json', readBody), async (c) => {
    const actor = c.var.actor;
    const { ids } = c.req.valid('json');
    const marked = await withOrg(c.var.db, actor.orgId, (tx) => markNotificationsRead(tx, actor.orgId, actor.userId, ids ?? 'all'));
    return c.json({ marked });
  });
}
