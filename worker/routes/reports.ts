// /api/v1/reports/*: managers' and admins' reports over a period (worker/domain/reports.ts), each as JSON or, with
// ?format=csv, as a CSV file of the same numbers. A filter naming another organisation's channel, department or
// member is a 404 (audited), like any other id.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg, type Tx } from '../db/tx';
import {
  agentsReport,
  busiestHoursReport,
  conversationsReport,
  dealsReport,
  messagesReport,
  missingFilterTarget,
  REPORT_CSV,
  responseTimesReport,
} from '../domain/reports';
import { errors } from '../openapi/responses';
import { openapi, type ApiApp } from '../openapi/route';
import {
  AgentsReport,
  BusiestHoursReport,
  ConversationsReport,
  DealsReport,
  MessagesReport,
  reportQuery,
  ResponseTimesReport,
  type ReportFilter,
} from '../schemas/reports';

const tags = ['Reports'];

interface ReportDef<T> {
  name: keyof typeof REPORT_CSV;
  summary: string;
  schema: z.ZodType<T>;
  load: (tx: Tx, orgId: string, f: ReportFilter) => Promise<T>;
}

const REPORTS = [
  { name: 'conversations', summary: 'Conversations opened and resolved per day', schema: ConversationsReport, load: conversationsReport },
  { name: 'messages', summary: 'Messages in and out per day', schema: MessagesReport, load: messagesReport },
  { name: 'response-times', summary: 'First response and resolution times: median and p90 (business hours aware)', schema: ResponseTimesReport, load: responseTimesReport },
  { name: 'busiest-hours', summary: 'Customers’ messages by weekday and hour', schema: BusiestHoursReport, load: busiestHoursReport },
  { name: 'agents', summary: 'Per agent: conversations, median first response and resolution, CSAT', schema: AgentsReport, load: agentsReport },
  { name: 'deals', summary: 'Deals won and lost; open pipeline value per stage', schema: DealsReport, load: dealsReport },
] as ReportDef<unknown>[];

export function registerReports(app: ApiApp) {
  for (const report of REPORTS) registerReport(app, report);
}

function registerReport<T>(app: ApiApp, report: ReportDef<T>) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: `/api/v1/reports/${report.name}`,
      tags,
      summary: report.summary,
      request: { query: reportQuery },
      responses: {
        200: {
          description: 'The report (JSON), or with format=csv the same numbers as CSV',
          content: { 'application/json': { schema: report.schema }, 'text/csv': { schema: z.string() } },
        },
        ...errors(404),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'reports.read');
      const { format, ...filter } = c.req.valid('query');
      const result = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const missing = await missingFilterTarget(tx, actor.orgId, filter);
        return missing ? { missing, data: null } : { missing: null, data: await report.load(tx, actor.orgId, filter) };
      });
      if (result.missing) return notFoundAudited(c, result.missing.kind, result.missing.id);
      if (format === 'csv') {
        const csv = (REPORT_CSV[report.name] as (r: T) => string)(result.data as T);
        return c.body(csv, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="relatorio-${report.name}-${filter.from}-${filter.to}.csv"`,
        });
      }
      return c.json(result.data as never, 200);
    },
  );
}
