// /api/v1/admin/organizations: the platform view for super admins. Every use is audited.
import { createRoute } from '@hono/zod-openapi';
import { listOrganizationsAsSuperAdmin } from '../domain/platform-admin';
import { forbidden } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, pageOf } from '../openapi/responses';
import { PlatformOrganization } from '../schemas/organization';
import { registerPlatformEncryption } from './platform-encryption';

const route = createRoute({
  method: 'get',
  path: '/api/v1/admin/organizations',
  tags: ['Platform'],
  summary: 'Every organisation, newest first (platform super admins; audited)',
  responses: { 200: json(pageOf(PlatformOrganization), 'Every organisation with its member count'), ...errors() },
});

export function registerPlatformAdmin(app: ApiApp) {
  openapi(app, route, async (c) => {
    const actor = c.var.actor;
    if (!actor.isSuperAdmin) throw forbidden('Only platform super admins may list organisations');
    const data = await listOrganizationsAsSuperAdmin(c.var.db, actor);
    return c.json({ data, nextCursor: null }, 200);
  });
  registerPlatformEncryption(app);
}
