// /api/v1/notifications: the signed-in member's notification centre (mentions in notes, conversations given to them).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { withOrg } from '../db/tx';
import { listNotifications, markNotificationsRead, unreadNotifications } from '../domain/notifications';
import { contentCrypto } from '../domain/content-crypto';
import { bodyOpener } from '../domain/sealing-crypto';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody, pageOf } from '../openapi/responses';
import { Notification } from '../schemas/team';

const tags = ['Notifications'];
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) });
const readBody = z.object({ ids: z.array(z.uuid()).min(1).max(100).optional() });

export function registerNotifications(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/notifications',
      tags,
      summary: 'The caller’s notifications, newest first, and how many are unread',
      request: { query: listQuery },
      responses: { 200: json(pageOf(Notification).extend({ unread: z.number().int() }), 'Latest notifications'), ...errors() },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { limit } = c.req.valid('query');
      const openBody = bodyOpener(contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId));
      const { data, unread } = await withOrg(c.var.db, actor.orgId, async (tx) => ({
        data: await listNotifications(tx, openBody, actor.orgId, actor.userId, limit),
        unread: await unreadNotifications(tx, actor.orgId, actor.userId),
      }));
      return c.json({ data, unread, nextCursor: null }, 200);
    },
  );

  // Marks the given notifications (or all) read; only ever the caller's own.
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/notifications/read',
      tags,
      summary: 'Mark the given notifications (or all) read',
      request: jsonBody(readBody),
      responses: { 200: json(z.object({ marked: z.number().int() }), 'How many were marked'), ...errors() },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { ids } = c.req.valid('json');
      const marked = await withOrg(c.var.db, actor.orgId, (tx) => markNotificationsRead(tx, actor.orgId, actor.userId, ids ?? 'all'));
      return c.json({ marked }, 200);
    },
  );
}
