// /api/v1/reports/*: the period and filters every report takes, and each report's answer. Durations are seconds;
// money is cents in the organisation's currency; days are local dates (YYYY-MM-DD) in the organisation's time zone.
import { z } from 'zod';

/** The longest period one request may ask for (a year and a bit, so "the last 12 months" always fits). */
export const MAX_REPORT_DAYS = 400;

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

const dayNumber = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;

export const reportQuery = z
  .object({
    from: localDate.meta({ description: 'First day of the period (inclusive), in the organisation’s time zone', example: '2026-11-01' }),
    to: localDate.meta({ description: 'Last day of the period (inclusive)', example: '2026-11-30' }),
    channelId: z.uuid().optional().meta({ description: 'Only conversations on this number' }),
    departmentId: z.uuid().optional().meta({ description: 'Only conversations in this department’s queue' }),
    agentId: z.uuid().optional().meta({ description: 'Only conversations assigned to this member (deals: owned by them)' }),
    format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv` answers the same numbers as a CSV file' }),
  })
  .refine((q) => dayNumber(q.from) <= dayNumber(q.to), { message: 'from must not be after to', path: ['to'] })
  .refine((q) => dayNumber(q.to) - dayNumber(q.from) < MAX_REPORT_DAYS, { message: `at most ${MAX_REPORT_DAYS} days`, path: ['to'] });
export type ReportQuery = z.infer<typeof reportQuery>;
export type ReportFilter = Omit<ReportQuery, 'format'>;

export const ReportPeriod = z
  .object({ from: z.string(), to: z.string(), timeZone: z.string().meta({ example: 'America/Sao_Paulo' }) })
  .meta({ id: 'ReportPeriod' });

export const ConversationsReport = z
  .object({
    period: ReportPeriod,
    days: z.array(z.object({ date: z.string(), opened: z.number().int(), resolved: z.number().int() })),
    totals: z.object({ opened: z.number().int(), resolved: z.number().int() }),
  })
  .meta({ id: 'ConversationsReport', description: 'Conversations opened (created) and resolved per local day' });

export const MessagesReport = z
  .object({
    period: ReportPeriod,
    days: z.array(z.object({ date: z.string(), inbound: z.number().int(), outbound: z.number().int() })),
    totals: z.object({ inbound: z.number().int(), outbound: z.number().int() }),
  })
  .meta({ id: 'MessagesReport', description: 'Messages received and sent per local day (private notes and the activity trail excluded)' });

const Duration = z
  .object({
    count: z.number().int().meta({ description: 'Conversations measured' }),
    medianSeconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
  })
  .meta({ id: 'ReportDuration' });

export const ResponseTimesReport = z
  .object({
    period: ReportPeriod,
    firstResponse: Duration.meta({ description: 'From the customer’s first message to the first reply by a person, over conversations opened in the period' }),
    resolution: Duration.meta({ description: 'From opening to resolution, over conversations opened in the period and resolved' }),
    businessHours: z.boolean().meta({ description: 'Some channel in scope has business hours on: its times count only the hours it is open' }),
  })
  .meta({ id: 'ResponseTimesReport' });

export const BusiestHoursReport = z
  .object({
    period: ReportPeriod,
    cells: z.array(z.object({ weekday: z.number().int().meta({ description: '0 = Sunday' }), hour: z.number().int(), messages: z.number().int() })),
    max: z.number().int(),
  })
  .meta({ id: 'BusiestHoursReport', description: 'Customers’ messages by local weekday and hour (all 168 cells)' });

export const AgentRow = z
  .object({
    agentId: z.uuid(),
    name: z.string().nullable(),
    conversations: z.number().int(),
    resolved: z.number().int(),
    medianFirstResponseSeconds: z.number().nullable(),
    medianResolutionSeconds: z.number().nullable(),
    csatAverage: z.number().nullable(),
    csatCount: z.number().int(),
  })
  .meta({ id: 'AgentReportRow' });
export const AgentsReport = z
  .object({ period: ReportPeriod, agents: z.array(AgentRow) })
  .meta({ id: 'AgentsReport', description: 'Per assignee: conversations opened in the period, medians, and CSAT answered in the period' });

export const DealsReport = z
  .object({
    period: ReportPeriod,
    currency: z.string().meta({ example: 'BRL' }),
    won: z.object({ count: z.number().int(), valueCents: z.number().int() }),
    lost: z.object({ count: z.number().int(), valueCents: z.number().int() }),
    stages: z.array(
      z.object({
        pipelineId: z.uuid(),
        pipelineName: z.string(),
        stageId: z.uuid(),
        stageName: z.string(),
        openDeals: z.number().int(),
        valueCents: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'DealsReport', description: 'Deals won and lost in the period; open deals and their value per stage now' });

export type ConversationsReport = z.infer<typeof ConversationsReport>;
export type MessagesReport = z.infer<typeof MessagesReport>;
export type ResponseTimesReport = z.infer<typeof ResponseTimesReport>;
export type BusiestHoursReport = z.infer<typeof BusiestHoursReport>;
export type AgentsReport = z.infer<typeof AgentsReport>;
export type DealsReport = z.infer<typeof DealsReport>;
