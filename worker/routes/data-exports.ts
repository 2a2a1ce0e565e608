// LGPD access requests (art. 18 II): an admin exports everything held about one contact as a ZIP, built in the
// background (queues/data-export.ts); the download works for 24 h and is audited.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { exportDto, findExport, listContactExports, openExportDownload, startContactExport } from '../domain/data-exports';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json } from '../openapi/responses';
import { DataExportList, DataExportResponse } from '../schemas/data-exports';

const tags = ['Contacts'];

export function registerDataExports(app: ApiApp) {
  registerExportRequests(app);
  registerExportResults(app);
}

/** Starting an export of a contact, and the contact's latest ones. */
function registerExportRequests(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/contacts/{id}/exports',
      tags,
      summary: 'Export everything held about a contact (LGPD access request), in the background',
      request: { params: idParam },
      responses: { 202: json(DataExportResponse, 'Queued; follow it at /api/v1/exports/{id}'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.export_data');
      const { id } = c.req.valid('param');
      const row = await startContactExport(c.var.db, c.env.DATA_EXPORT_QUEUE, actor, id);
      if (!row) return notFoundAudited(c, 'contact', id);
      return c.json({ export: exportDto(row) }, 202);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/contacts/{id}/exports',
      tags,
      summary: 'A contact’s latest data exports, newest first',
      request: { params: idParam },
      responses: { 200: json(DataExportList, 'The latest exports'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.export_data');
      const { id } = c.req.valid('param');
      const rows = await withOrg(c.var.db, actor.orgId, (tx) => listContactExports(tx, actor.orgId, id));
      if (!rows) return notFoundAudited(c, 'contact', id);
      return c.json({ data: rows.map((r) => exportDto(r)) }, 200);
    },
  );

}

/** Following an export, and its file. */
function registerExportResults(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/exports/{id}',
      tags,
      summary: 'A data export’s status and progress, with its download link once done',
      request: { params: idParam },
      responses: { 200: json(DataExportResponse, 'The export'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.export_data');
      const { id } = c.req.valid('param');
      const row = await withOrg(c.var.db, actor.orgId, (tx) => findExport(tx, actor.orgId, id));
      if (!row) return notFoundAudited(c, 'data export', id);
      return c.json({ export: exportDto(row) }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/exports/{id}/download',
      tags,
      summary: 'Download a finished data export (ZIP) within 24 h of its completion',
      request: { params: idParam },
      responses: { 200: { description: 'The ZIP (streamed)', content: { 'application/zip': { schema: z.string().meta({ format: 'binary' }) } } }, ...errors(404, 409, 410) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.export_data');
      const { id } = c.req.valid('param');
      const file = await withOrg(c.var.db, actor.orgId, (tx) => openExportDownload(tx, c.env.MEDIA, actor, id));
      if (!file) return notFoundAudited(c, 'data export', id);
      return new Response(file.object.body, {
        headers: { 'content-type': 'application/zip', 'content-length': String(file.object.size), 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
      });
    },
  );
}
