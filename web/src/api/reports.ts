// The reports (GET /api/v1/reports/*, managers and admins): shapes from the API's own schemas, one fetch per report,
// and the same report as a CSV file.
import { apiBlob, get } from './client';
import type {
  AgentsReport,
  BusiestHoursReport,
  ConversationsReport,
  DealsReport,
  MessagesReport,
  ResponseTimesReport,
} from '../../../worker/schemas/reports';

export type { AgentsReport, BusiestHoursReport, ConversationsReport, DealsReport, MessagesReport, ResponseTimesReport };

export interface ReportFilters {
  from: string;
  to: string;
  channelId?: string;
  departmentId?: string;
  agentId?: string;
}

export interface Reports {
  conversations: ConversationsReport;
  messages: MessagesReport;
  'response-times': ResponseTimesReport;
  'busiest-hours': BusiestHoursReport;
  agents: AgentsReport;
  deals: DealsReport;
}
export type ReportName = keyof Reports;
export const REPORT_NAMES: ReportName[] = ['conversations', 'messages', 'response-times', 'busiest-hours', 'agents', 'deals'];

const query = (f: ReportFilters) => ({ from: f.from, to: f.to, channelId: f.channelId, departmentId: f.departmentId, agentId: f.agentId });

export async function loadReports(f: ReportFilters, signal?: AbortSignal): Promise<Reports> {
  const all = await Promise.all(REPORT_NAMES.map((name) => get<Reports[ReportName]>(`/api/v1/reports/${name}`, query(f), signal)));
  return Object.fromEntries(REPORT_NAMES.map((name, i) => [name, all[i]])) as unknown as Reports;
}

/** Downloads one report as CSV (the API needs the Bearer token, so a plain link would not do). */
export async function downloadReportCsv(name: ReportName, f: ReportFilters): Promise<void> {
  const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(query(f)).filter(([, v]) => v)), format: 'csv' } as Record<string, string>);
  const blob = await apiBlob(`/api/v1/reports/${name}?${params}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `relatorio-${name}-${f.from}-${f.to}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
