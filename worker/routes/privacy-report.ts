// GET /api/v1/organization/privacy-report: what personal data the organisation holds, where, for how long under its
// current settings, who can reach it, and the sub-processors (LGPD art. 37) — for its admins.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../auth/policy';
import { withOrg } from '../db/tx';
import { privacyReport } from '../domain/privacy-report';
import { notFound } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json } from '../openapi/responses';
import { PrivacyReport } from '../schemas/privacy';

export function registerPrivacyReport(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/organization/privacy-report',
      tags: ['Organization'],
      summary: 'Records of processing (LGPD art. 37), generated from the configuration (admins)',
      responses: { 200: json(PrivacyReport, 'What is held, where, for how long, who can reach it, and the sub-processors'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'privacy.read');
      const report = await withOrg(c.var.db, actor.orgId, (tx) => privacyReport(tx, c.env, actor.orgId));
      if (!report) throw notFound('Organization');
      return c.json(report, 200);
    },
  );
}
