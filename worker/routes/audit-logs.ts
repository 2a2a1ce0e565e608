// GET /api/v1/audit-logs: the organisation's audit trail for tenant admins, newest first, filterable.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../auth/policy';
import { listAuditLogs } from '../domain/audit-logs';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, pageOf } from '../openapi/responses';
import { AuditEntry, auditLogQuery } from '../schemas/audit-logs';

const route = createRoute({
  method: 'get',
  path: '/api/v1/audit-logs',
  tags: ['Audit'],
  summary: 'The organisation’s audit trail, newest first',
  request: { query: auditLogQuery },
  responses: { 200: json(pageOf(AuditEntry), 'A page of entries'), ...errors() },
});

export function registerAuditLogs(app: ApiApp) {
  openapi(app, route, async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'audit.read');
    return c.json(await listAuditLogs(c.var.db, actor.orgId, c.req.valid('query')), 200);
  });
}
