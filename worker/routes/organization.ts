// /api/v1/organization: the current organisation's settings (name, locale, data retention).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { withOrg } from '../db/tx';
import { findOrganization, updateOrganization } from '../domain/organization';
import { notFound } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody } from '../openapi/responses';
import { Organization, OrganizationWithRole, updateOrganizationBody } from '../schemas/organization';

const tags = ['Organization'];

export function registerOrganization(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/organization', tags, summary: 'The current organisation and the caller’s role in it', responses: { 200: json(OrganizationWithRole, 'The organisation'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'organization.read');
      const org = await withOrg(c.var.db, actor.orgId, (tx) => findOrganization(tx, actor.orgId));
      if (!org) throw notFound('Organization');
      return c.json({ organization: org, role: actor.role }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/organization',
      tags,
      summary: 'Change the organisation’s settings (retention: admins only)',
      request: jsonBody(updateOrganizationBody),
      responses: { 200: json(z.object({ organization: Organization }), 'The organisation as changed'), ...errors() },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'organization.update');
      const body = c.req.valid('json');
      if (body.retentionEnabled !== undefined || body.retentionDays !== undefined || body.graceDays !== undefined) {
        authorize(actor, 'retention.manage');
      }
      if (body.timezone && !isTimeZone(body.timezone)) {
        return c.json({ error: { code: 'validation_failed', message: 'Invalid json: timezone: unknown time zone' } }, 400);
      }
      const org = await withOrg(c.var.db, actor.orgId, (tx) => updateOrganization(tx, actor, body));
      return c.json({ organization: org }, 200);
    },
  );
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
