// Reports for managers and admins (issue 20), each one SQL statement over a period of local days in the
// organisation's time zone. What keeps them fast over a year of a busy tenant (migration 0026):
// - message counts read hourly counts per channel kept by a statement trigger (`message_counts_hourly`); filtered by
//   department or agent they count the messages themselves through `messages_org_report_idx` (organisation, time;
//   direction and conversation included) joined to the conversations that match;
// - first responses are kept on the conversation when the reply is stored (`first_inbound_at`, `first_response_at`,
//   set by a trigger), so response times read conversations only, never messages;
// - conversations are found by `conversations_org_created_idx` and `conversations_org_resolved_idx`;
// - durations (first response, resolution) are computed once when they happen and kept on the conversation
//   (`first_response_seconds`, `resolution_seconds`: business hours only on a channel that has them on, with the
//   hours of that moment; wall-clock elsewhere).
// Filters (channel, department, agent) are the conversation's current ones.
import { sql, type SQL } from 'drizzle-orm';
import Papa from 'papaparse';
import type { Tx } from '../db/tx';
import type {
  AgentsReport,
  BusiestHoursReport,
  ConversationsReport,
  DealsReport,
  MessagesReport,
  ReportFilter,
  ResponseTimesReport,
} from '../schemas/reports';

interface Scope {
  orgId: string;
  tz: string;
  currency: string;
  f: ReportFilter;
}

/**
 * The organisation's time zone and currency, read once per report. JIT is turned off for the report's transaction:
 * these are short aggregates whose cost estimates (group counts over a year) can cross jit_above_cost, and compiling
 * them took seconds where running them takes milliseconds (bench/reports.ts).
 */
async function scopeOf(tx: Tx, orgId: string, f: ReportFilter): Promise<Scope> {
  const { rows } = await tx.execute<{ timezone: string | null; currency: string | null }>(
    sql`select timezone, currency, set_config('jit', 'off', true) from organizations where id = ${orgId}`,
  );
  return { orgId, tz: rows[0]?.timezone || 'America/Sao_Paulo', currency: rows[0]?.currency || 'BRL', f };
}

const period = (s: Scope) => ({ from: s.f.from, to: s.f.to, timeZone: s.tz });
/** The period's first instant and the instant after its last day, in the organisation's time zone. */
const lo = (s: Scope) => sql`((${s.f.from}::date)::timestamp at time zone ${s.tz})`;
const hi = (s: Scope) => sql`((${s.f.to}::date + 1)::timestamp at time zone ${s.tz})`;
const localDay = (s: Scope, col: SQL) => sql`(${col} at time zone ${s.tz})::date`;

/** The filters on a conversation row aliased `c`. */
function conversationFilter(s: Scope, { agent = true } = {}): SQL {
  const parts: SQL[] = [sql`c.deleted_at is null`];
  if (s.f.channelId) parts.push(sql`c.channel_id = ${s.f.channelId}`);
  if (s.f.departmentId) parts.push(sql`c.department_id = ${s.f.departmentId}`);
  if (agent && s.f.agentId) parts.push(sql`c.assignee_id = ${s.f.agentId}`);
  return sql.join(parts, sql` and `);
}
const filtered = (s: Scope) => !!(s.f.channelId || s.f.departmentId || s.f.agentId);

const int = (v: unknown) => Number(v ?? 0);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/** Which of the filter's ids are not the organisation's (RLS hides other tenants' rows): the route answers 404. */
export async function missingFilterTarget(tx: Tx, orgId: string, f: ReportFilter): Promise<{ kind: 'channel' | 'department' | 'member'; id: string } | null> {
  const { rows } = await tx.execute<{ channel: boolean; department: boolean; member: boolean }>(sql`
    select
      (${f.channelId ?? null}::uuid is null or exists (select 1 from channels where organization_id = ${orgId} and id = ${f.channelId ?? null}::uuid)) as channel,
      (${f.departmentId ?? null}::uuid is null or exists (select 1 from departments where organization_id = ${orgId} and id = ${f.departmentId ?? null}::uuid)) as department,
      (${f.agentId ?? null}::uuid is null or exists (select 1 from memberships where organization_id = ${orgId} and user_id = ${f.agentId ?? null}::uuid)) as member`);
  const r = rows[0]!;
  if (!r.channel) return { kind: 'channel', id: f.channelId! };
  if (!r.department) return { kind: 'department', id: f.departmentId! };
  if (!r.member) return { kind: 'member', id: f.agentId! };
  return null;
}

/** Every local day of the period, in order (the reports answer a row for each, zero or not). */
function daysOf(f: ReportFilter): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${f.from}T00:00:00Z`); t <= Date.parse(`${f.to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export async function conversationsReport(tx: Tx, orgId: string, f: ReportFilter): Promise<ConversationsReport> {
  const s = await scopeOf(tx, orgId, f);
  const { rows } = await tx.execute<{ day: string; opened: number; resolved: number }>(sql`
    select day::text as day, sum(opened) as opened, sum(resolved) as resolved from (
      select ${localDay(s, sql`c.created_at`)} as day, count(*) as opened, 0 as resolved from conversations c
       where c.organization_id = ${orgId} and c.created_at >= ${lo(s)} and c.created_at < ${hi(s)} and ${conversationFilter(s)}
       group by 1
      union all
      select ${localDay(s, sql`c.resolved_at`)} as day, 0 as opened, count(*) as resolved from conversations c
       where c.organization_id = ${orgId} and c.resolved_at >= ${lo(s)} and c.resolved_at < ${hi(s)} and ${conversationFilter(s)}
       group by 1
    ) x group by 1`);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days = daysOf(f).map((date) => ({ date, opened: int(byDay.get(date)?.opened), resolved: int(byDay.get(date)?.resolved) }));
  return {
    period: period(s),
    days,
    totals: { opened: days.reduce((a, d) => a + d.opened, 0), resolved: days.reduce((a, d) => a + d.resolved, 0) },
  };
}

/** Messages of the period (not notes, not the activity trail): the index alone, or joined to filtered conversations. */
function messagesInPeriod(s: Scope, extra: SQL = sql`true`): SQL {
  const join = filtered(s) ? sql`join conversations c on c.id = m.conversation_id and c.organization_id = ${s.orgId} and ${conversationFilter(s)}` : sql``;
  return sql`messages m ${join}
    where m.organization_id = ${s.orgId} and m.created_at >= ${lo(s)} and m.created_at < ${hi(s)}
      and not m.is_private and m.kind <> 'system' and ${extra}`;
}

/**
 * The hourly counts (message_counts_hourly) answer unless the filter needs each message's conversation as it is now
 * (department, assignee): a year is a few thousand rows. Hours are UTC hours, exact for time zones a whole number of
 * hours from UTC (Brazil's are).
 */
const byRollup = (s: Scope) => !s.f.departmentId && !s.f.agentId;
function hourlyInPeriod(s: Scope, extra: SQL = sql`true`): SQL {
  return sql`message_counts_hourly h
    where h.organization_id = ${s.orgId} and h.hour >= ${lo(s)} and h.hour < ${hi(s)}
      ${s.f.channelId ? sql`and h.channel_id = ${s.f.channelId}` : sql``} and ${extra}`;
}

export async function messagesReport(tx: Tx, orgId: string, f: ReportFilter): Promise<MessagesReport> {
  const s = await scopeOf(tx, orgId, f);
  const counted = byRollup(s)
    ? sql`select ${localDay(s, sql`h.hour`)} as day,
                 sum(h.messages) filter (where h.direction = 'inbound') as inbound,
                 sum(h.messages) filter (where h.direction = 'outbound') as outbound
            from ${hourlyInPeriod(s)}
           group by 1`
    : sql`select ${localDay(s, sql`m.created_at`)} as day,
                 count(*) filter (where m.direction = 'inbound') as inbound,
                 count(*) filter (where m.direction = 'outbound') as outbound
            from ${messagesInPeriod(s)}
           group by 1`;
  const { rows } = await tx.execute<{ day: string; inbound: number; outbound: number }>(sql`select day::text as day, inbound, outbound from (${counted}) x`);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days = daysOf(f).map((date) => ({ date, inbound: int(byDay.get(date)?.inbound), outbound: int(byDay.get(date)?.outbound) }));
  return {
    period: period(s),
    days,
    totals: { inbound: days.reduce((a, d) => a + d.inbound, 0), outbound: days.reduce((a, d) => a + d.outbound, 0) },
  };
}

/**
 * Conversations opened in the period with their first response and resolution durations — kept on the conversation
 * by migration 0026's triggers when they happen, counting only business hours on a channel that has them on.
 */
function measuredConversations(s: Scope): SQL {
  return sql`(
    select c.assignee_id, c.first_response_seconds as frt, c.resolution_seconds as res
      from conversations c
     where c.organization_id = ${s.orgId} and c.created_at >= ${lo(s)} and c.created_at < ${hi(s)} and ${conversationFilter(s)}
  )`;
}

export async function responseTimesReport(tx: Tx, orgId: string, f: ReportFilter): Promise<ResponseTimesReport> {
  const s = await scopeOf(tx, orgId, f);
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    select count(frt) as frt_n,
           percentile_cont(0.5) within group (order by frt) as frt_median,
           percentile_cont(0.9) within group (order by frt) as frt_p90,
           count(res) as res_n,
           percentile_cont(0.5) within group (order by res) as res_median,
           percentile_cont(0.9) within group (order by res) as res_p90,
           (select coalesce(bool_or(coalesce((ch.business_hours->>'enabled')::boolean, false)), false) from channels ch
             where ch.organization_id = ${orgId} ${f.channelId ? sql`and ch.id = ${f.channelId}` : sql``}) as hours_on
      from ${measuredConversations(s)} x`);
  const r = rows[0]!;
  return {
    period: period(s),
    firstResponse: { count: int(r.frt_n), medianSeconds: numOrNull(r.frt_median), p90Seconds: numOrNull(r.frt_p90) },
    resolution: { count: int(r.res_n), medianSeconds: numOrNull(r.res_median), p90Seconds: numOrNull(r.res_p90) },
    businessHours: r.hours_on === true,
  };
}

export async function busiestHoursReport(tx: Tx, orgId: string, f: ReportFilter): Promise<BusiestHoursReport> {
  const s = await scopeOf(tx, orgId, f);
  const query = byRollup(s)
    ? sql`select extract(dow from (h.hour at time zone ${s.tz}))::int as weekday, extract(hour from (h.hour at time zone ${s.tz}))::int as hour, sum(h.messages) as n
            from ${hourlyInPeriod(s, sql`h.direction = 'inbound'`)}
           group by 1, 2`
    : sql`select extract(dow from (m.created_at at time zone ${s.tz}))::int as weekday, extract(hour from (m.created_at at time zone ${s.tz}))::int as hour, count(*) as n
            from ${messagesInPeriod(s, sql`m.direction = 'inbound'`)}
           group by 1, 2`;
  const { rows } = await tx.execute<{ weekday: number; hour: number; n: number }>(query);
  const counts = new Map(rows.map((r) => [`${r.weekday}:${r.hour}`, int(r.n)]));
  const cells = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, messages: counts.get(`${weekday}:${hour}`) ?? 0 });
  }
  return { period: period(s), cells, max: Math.max(0, ...cells.map((c) => c.messages)) };
}

export async function agentsReport(tx: Tx, orgId: string, f: ReportFilter): Promise<AgentsReport> {
  const s = await scopeOf(tx, orgId, f);
  // A rating counts for whoever had the conversation when it was resolved (csat_responses.agent_id).
  const csatJoin = s.f.channelId || s.f.departmentId ? sql`join conversations c on c.id = r.conversation_id and ${conversationFilter(s, { agent: false })}` : sql``;
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    with agg as (
      select assignee_id as id, count(*) as conversations, count(res) as resolved,
             percentile_cont(0.5) within group (order by frt) as frt,
             percentile_cont(0.5) within group (order by res) as res
        from ${measuredConversations(s)} x
       where assignee_id is not null
       group by 1),
    cs as (
      select r.agent_id as id, avg(r.rating)::float8 as avg, count(*) as n
        from csat_responses r ${csatJoin}
       where r.organization_id = ${orgId} and r.rating is not null and r.answered_at >= ${lo(s)} and r.answered_at < ${hi(s)}
         and r.agent_id is not null ${f.agentId ? sql`and r.agent_id = ${f.agentId}` : sql``}
       group by 1),
    ids as (select id from agg union select id from cs)
    select ids.id, coalesce(u.name, split_part(u.email, '@', 1)) as name,
           coalesce(agg.conversations, 0) as conversations, coalesce(agg.resolved, 0) as resolved,
           agg.frt, agg.res, cs.avg, coalesce(cs.n, 0) as csat_n
      from ids left join agg on agg.id = ids.id left join cs on cs.id = ids.id left join users u on u.id = ids.id
     order by coalesce(agg.conversations, 0) desc, name`);
  return {
    period: period(s),
    agents: rows.map((r) => ({
      agentId: String(r.id),
      name: (r.name as string | null) ?? null,
      conversations: int(r.conversations),
      resolved: int(r.resolved),
      medianFirstResponseSeconds: numOrNull(r.frt),
      medianResolutionSeconds: numOrNull(r.res),
      csatAverage: r.avg === null || r.avg === undefined ? null : Math.round(Number(r.avg) * 100) / 100,
      csatCount: int(r.csat_n),
    })),
  };
}

export async function dealsReport(tx: Tx, orgId: string, f: ReportFilter): Promise<DealsReport> {
  const s = await scopeOf(tx, orgId, f);
  // Deals follow a conversation's channel and department through the conversation they were made from; the agent
  // filter is the deal's owner.
  const parts: SQL[] = [sql`d.organization_id = ${orgId}`, sql`d.deleted_at is null`, sql`d.currency = ${s.currency}`];
  if (f.agentId) parts.push(sql`d.owner_id = ${f.agentId}`);
  if (f.channelId || f.departmentId) {
    const conv: SQL[] = [sql`c.id = d.conversation_id`];
    if (f.channelId) conv.push(sql`c.channel_id = ${f.channelId}`);
    if (f.departmentId) conv.push(sql`c.department_id = ${f.departmentId}`);
    parts.push(sql`exists (select 1 from conversations c where ${sql.join(conv, sql` and `)})`);
  }
  const where = sql.join(parts, sql` and `);
  const closed = await tx.execute<{ status: string; n: number; cents: number }>(sql`
    select d.status, count(*) as n, coalesce(sum(d.value_cents), 0) as cents from deals d
     where ${where} and d.status in ('won', 'lost') and d.closed_at >= ${lo(s)} and d.closed_at < ${hi(s)}
     group by 1`);
  const stages = await tx.execute<Record<string, unknown>>(sql`
    select p.id as pipeline_id, p.name as pipeline_name, st.id as stage_id, st.name as stage_name,
           count(d.id) as n, coalesce(sum(d.value_cents), 0) as cents
      from pipelines p join pipeline_stages st on st.pipeline_id = p.id
      left join deals d on d.stage_id = st.id and d.status = 'open' and ${where}
     where p.organization_id = ${orgId}
     group by p.id, p.name, p.position, st.id, st.name, st.position
     order by p.position, p.name, st.position, st.name`);
  const of = (status: string) => {
    const r = closed.rows.find((x) => x.status === status);
    return { count: int(r?.n), valueCents: int(r?.cents) };
  };
  return {
    period: period(s),
    currency: s.currency,
    won: of('won'),
    lost: of('lost'),
    stages: stages.rows.map((r) => ({
      pipelineId: String(r.pipeline_id),
      pipelineName: String(r.pipeline_name),
      stageId: String(r.stage_id),
      stageName: String(r.stage_name),
      openDeals: int(r.n),
      valueCents: int(r.cents),
    })),
  };
}

// ---- CSV ----------------------------------------------------------------------------------------------------------

/** One table as CSV (papaparse quotes; cells that would start a spreadsheet formula are neutralised). */
export function csvOf(fields: string[], rows: (string | number | null)[][]): string {
  return Papa.unparse({ fields, data: rows }, { escapeFormulae: true }) + '\r\n';
}

const cents = (v: number) => (v / 100).toFixed(2);

export const REPORT_CSV = {
  conversations: (r: ConversationsReport) => csvOf(['date', 'opened', 'resolved'], r.days.map((d) => [d.date, d.opened, d.resolved])),
  messages: (r: MessagesReport) => csvOf(['date', 'inbound', 'outbound'], r.days.map((d) => [d.date, d.inbound, d.outbound])),
  'response-times': (r: ResponseTimesReport) =>
    csvOf(
      ['metric', 'conversations', 'median_seconds', 'p90_seconds', 'business_hours'],
      [
        ['first_response', r.firstResponse.count, r.firstResponse.medianSeconds, r.firstResponse.p90Seconds, String(r.businessHours)],
        ['resolution', r.resolution.count, r.resolution.medianSeconds, r.resolution.p90Seconds, String(r.businessHours)],
      ],
    ),
  'busiest-hours': (r: BusiestHoursReport) => csvOf(['weekday', 'hour', 'messages'], r.cells.map((c) => [c.weekday, c.hour, c.messages])),
  agents: (r: AgentsReport) =>
    csvOf(
      ['agent_id', 'name', 'conversations', 'resolved', 'median_first_response_seconds', 'median_resolution_seconds', 'csat_average', 'csat_count'],
      r.agents.map((a) => [a.agentId, a.name, a.conversations, a.resolved, a.medianFirstResponseSeconds, a.medianResolutionSeconds, a.csatAverage, a.csatCount]),
    ),
  deals: (r: DealsReport) =>
    csvOf(
      ['section', 'pipeline', 'stage', 'deals', `value_${r.currency.toLowerCase()}`],
      [
        ['won', '', '', r.won.count, cents(r.won.valueCents)],
        ['lost', '', '', r.lost.count, cents(r.lost.valueCents)],
        ...r.stages.map((st) => ['open', st.pipelineName, st.stageName, st.openDeals, cents(st.valueCents)]),
      ],
    ),
};
