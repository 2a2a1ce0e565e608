// /reports: managers' and admins' reports over a period, optionally for one number, department or agent. Each chart
// has its numbers in a table and a CSV download; dates dd/mm, money in BRL, durations short. A lazy chunk: uPlot
// loads with this page only.
import '../../i18n/messages/reports';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../../api/client';
import { downloadReportCsv, loadReports, type ReportFilters, type ReportName, type Reports as ReportData } from '../../api/reports';
import type { Channel, Page } from '../../api/types';
import { errorText, locale, t, type MessageKey } from '../../i18n';
import { departments, loadDepartments } from '../../state/catalog';
import { loadMembers, members } from '../../state/members';
import { isStaff } from '../../state/session';
import { formatMoney } from '../deals/money';
import { LineChart } from './LineChart';
import '../crm.css';
import './reports.css';

const PRESETS = [
  { days: 7, key: 'reports.last7' },
  { days: 30, key: 'reports.last30' },
  { days: 90, key: 'reports.last90' },
  { days: 365, key: 'reports.last365' },
] as const satisfies readonly { days: number; key: MessageKey }[];

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
function lastDays(days: number): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to);
  from.setDate(to.getDate() - (days - 1));
  return { from: isoDay(from), to: isoDay(to) };
}

/** "2026-03-02" → "02/03" (dd/mm; the year only when the period spans two). */
function dayLabel(date: string, withYear = false): string {
  const [y, m, d] = date.split('-');
  return withYear ? `${d}/${m}/${y}` : `${d}/${m}`;
}

const num = (n: number) => new Intl.NumberFormat(locale.value).format(n);

/** Seconds as people read them: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return t('reports.none');
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const WEEKDAYS: Record<string, string[]> = {
  'pt-BR': ['Dom', 'Seg', 'Ter', 'Qua', 'Qui', 'Sex', 'Sáb'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

export function Reports() {
  const [preset, setPreset] = useState<number | 'custom'>(30);
  const [range, setRange] = useState(() => lastDays(30));
  const [channelId, setChannelId] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [agentId, setAgentId] = useState('');
  const [channels, setChannels] = useState<Channel[]>([]);
  const [data, setData] = useState<ReportData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const filters: ReportFilters = useMemo(
    () => ({ ...range, channelId: channelId || undefined, departmentId: departmentId || undefined, agentId: agentId || undefined }),
    [range.from, range.to, channelId, departmentId, agentId],
  );

  useEffect(() => {
    document.title = `${t('reports.title')} · ${t('app.name')}`;
  });
  useEffect(() => {
    void loadMembers();
    void loadDepartments().catch(() => {});
    get<Page<Channel>>('/api/v1/channels').then(
      (r) => setChannels(r.data),
      () => setChannels([]),
    );
  }, []);
  useEffect(() => {
    if (!isStaff.value || !range.from || !range.to || range.from > range.to) return;
    const abort = new AbortController();
    setLoading(true);
    setError(null);
    loadReports(filters, abort.signal).then(
      (r) => {
        setData(r);
        setLoading(false);
      },
      (err) => {
        if ((err as Error).name === 'AbortError') return;
        setError(errorText(err));
        setLoading(false);
      },
    );
    return () => abort.abort();
  }, [filters]);

  if (!isStaff.value) {
    return (
      <div class="crm-page reports-page">
        <p class="alert alert-error">{t('error.forbidden')}</p>
      </div>
    );
  }

  return (
    <div class="crm-page reports-page" data-testid="reports-page">
      <header class="crm-head">
        <h1>{t('reports.title')}</h1>
      </header>
      <form class="reports-filters" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
        <label class="field">
          <span>{t('reports.period')}</span>
          <select
            value={String(preset)}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (v === 'custom') return setPreset('custom');
              setPreset(Number(v));
              setRange(lastDays(Number(v)));
            }}
            data-testid="report-period"
          >
            {PRESETS.map((p) => (
              <option key={p.days} value={String(p.days)}>
                {t(p.key)}
              </option>
            ))}
            <option value="custom">{t('reports.custom')}</option>
          </select>
        </label>
        <label class="field">
          <span>{t('reports.from')}</span>
          <input
            type="date"
            value={range.from}
            max={range.to}
            onChange={(e) => {
              setPreset('custom');
              setRange({ ...range, from: e.currentTarget.value });
            }}
            data-testid="report-from"
          />
        </label>
        <label class="field">
          <span>{t('reports.to')}</span>
          <input
            type="date"
            value={range.to}
            min={range.from}
            onChange={(e) => {
              setPreset('custom');
              setRange({ ...range, to: e.currentTarget.value });
            }}
            data-testid="report-to"
          />
        </label>
        <label class="field">
          <span>{t('reports.channel')}</span>
          <select value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)} data-testid="report-channel">
            <option value="">{t('reports.allChannels')}</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('reports.department')}</span>
          <select value={departmentId} onChange={(e) => setDepartmentId(e.currentTarget.value)} data-testid="report-department">
            <option value="">{t('reports.allDepartments')}</option>
            {(departments.value ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('reports.agent')}</span>
          <select value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)} data-testid="report-agent">
            <option value="">{t('reports.allAgents')}</option>
            {(members.value ?? []).map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name ?? m.email}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {loading && !data && <p class="muted">{t('reports.loading')}</p>}
      {data && (
        <div class="reports-grid" aria-busy={loading}>
          <p class="muted reports-tz">{t('reports.timeZone', { tz: data.conversations.period.timeZone })}</p>
          <ConversationsCard data={data} filters={filters} />
          <MessagesCard data={data} filters={filters} />
          <TimesCard data={data} filters={filters} />
          <HeatmapCard data={data} filters={filters} />
          <AgentsCard data={data} filters={filters} />
          <DealsCard data={data} filters={filters} />
        </div>
      )}
    </div>
  );
}

interface CardProps {
  data: ReportData;
  filters: ReportFilters;
}

function Card({ name, title, filters, children, note }: { name: ReportName; title: string; filters: ReportFilters; children: ComponentChildren; note?: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <section class="card report-card" aria-labelledby={`report-${name}`} data-testid={`report-${name}`}>
      <header class="report-card-head">
        <h2 id={`report-${name}`}>{title}</h2>
        <button
          type="button"
          class="btn btn-small"
          disabled={busy}
          aria-label={t('reports.csvOf', { name: title })}
          onClick={() => {
            setBusy(true);
            setFailed(null);
            downloadReportCsv(name, filters)
              .catch((err) => setFailed(errorText(err)))
              .finally(() => setBusy(false));
          }}
          data-testid={`csv-${name}`}
        >
          {t('reports.csv')}
        </button>
      </header>
      {note && <p class="muted report-note">{note}</p>}
      {failed && <p class="alert alert-error">{failed}</p>}
      {children}
    </section>
  );
}

/** The numbers behind a chart, in a table that opens on demand (screen readers reach it either way). */
function DataTable({ name, head, rows, foot }: { name: string; head: string[]; rows: (string | number)[][]; foot?: (string | number)[] }) {
  return (
    <details class="report-table">
      <summary>{t('reports.table')}</summary>
      <div class="table-wrap">
        <table class="table" data-testid={`table-${name}`}>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{typeof c === 'number' ? num(c) : c}</td>))}
              </tr>
            ))}
          </tbody>
          {foot && (
            <tfoot>
              <tr>
                {foot.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{typeof c === 'number' ? num(c) : c}</td>))}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </details>
  );
}

const spansYears = (days: { date: string }[]) => days.length > 0 && days[0]!.date.slice(0, 4) !== days[days.length - 1]!.date.slice(0, 4);

function ConversationsCard({ data, filters }: CardProps) {
  const r = data.conversations;
  const years = spansYears(r.days);
  const labels = r.days.map((d) => dayLabel(d.date, years));
  return (
    <Card name="conversations" title={t('reports.conversations')} filters={filters}>
      <LineChart
        xLabel={t('reports.date')}
        testId="chart-conversations"
        labels={labels}
        summary={t('reports.conversationsChart', { opened: num(r.totals.opened), resolved: num(r.totals.resolved) })}
        series={[
          { label: t('reports.opened'), values: r.days.map((d) => d.opened), color: '#0b5fa5' },
          { label: t('reports.resolved'), values: r.days.map((d) => d.resolved), color: '#0a6b4d' },
        ]}
      />
      <DataTable
        name="conversations"
        head={[t('reports.date'), t('reports.opened'), t('reports.resolved')]}
        rows={r.days.map((d, i) => [labels[i]!, d.opened, d.resolved])}
        foot={[t('reports.total'), r.totals.opened, r.totals.resolved]}
      />
    </Card>
  );
}

function MessagesCard({ data, filters }: CardProps) {
  const r = data.messages;
  const years = spansYears(r.days);
  const labels = r.days.map((d) => dayLabel(d.date, years));
  return (
    <Card name="messages" title={t('reports.messages')} filters={filters}>
      <LineChart
        xLabel={t('reports.date')}
        testId="chart-messages"
        labels={labels}
        summary={t('reports.messagesChart', { inbound: num(r.totals.inbound), outbound: num(r.totals.outbound) })}
        series={[
          { label: t('reports.inbound'), values: r.days.map((d) => d.inbound), color: '#0b5fa5' },
          { label: t('reports.outbound'), values: r.days.map((d) => d.outbound), color: '#0a6b4d' },
        ]}
      />
      <DataTable
        name="messages"
        head={[t('reports.date'), t('reports.inbound'), t('reports.outbound')]}
        rows={r.days.map((d, i) => [labels[i]!, d.inbound, d.outbound])}
        foot={[t('reports.total'), r.totals.inbound, r.totals.outbound]}
      />
    </Card>
  );
}

function TimesCard({ data, filters }: CardProps) {
  const r = data['response-times'];
  const rows: [string, typeof r.firstResponse][] = [
    [t('reports.firstResponse'), r.firstResponse],
    [t('reports.resolution'), r.resolution],
  ];
  return (
    <Card name="response-times" title={t('reports.times')} filters={filters} note={`${t('reports.timesNote')} ${r.businessHours ? t('reports.businessHours') : t('reports.wallClock')}`}>
      <dl class="report-stats">
        {rows.map(([label, d]) => (
          <div key={label} class="report-stat">
            <dt>{label}</dt>
            <dd>
              <strong>{formatDuration(d.medianSeconds)}</strong>
              <span class="muted">
                {t('reports.median')} · {t('reports.p90')} {formatDuration(d.p90Seconds)}
              </span>
            </dd>
          </div>
        ))}
      </dl>
      <DataTable
        name="response-times"
        head={[t('reports.metric'), t('reports.median'), t('reports.p90'), t('reports.measured')]}
        rows={rows.map(([label, d]) => [label, formatDuration(d.medianSeconds), formatDuration(d.p90Seconds), d.count])}
      />
    </Card>
  );
}

function HeatmapCard({ data, filters }: CardProps) {
  const r = data['busiest-hours'];
  const names = WEEKDAYS[locale.value] ?? WEEKDAYS['pt-BR']!;
  const level = (n: number) => (n === 0 || r.max === 0 ? 0 : Math.max(1, Math.ceil((n / r.max) * 5)));
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return (
    <Card name="busiest-hours" title={t('reports.heatmap')} filters={filters} note={t('reports.heatmapNote')}>
      <div class="table-wrap heatmap-wrap">
        <table class="heatmap" data-testid="table-busiest-hours">
          <caption class="sr-only">{t('reports.heatmapNote')}</caption>
          <thead>
            <tr>
              <td />
              {hours.map((h) => (
                <th key={h} scope="col" abbr={`${h}h`}>
                  {h % 3 === 0 ? h : <span class="sr-only">{h}</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {names.map((day, w) => (
              <tr key={w}>
                <th scope="row">{day}</th>
                {hours.map((h) => {
                  const n = r.cells[w * 24 + h]?.messages ?? 0;
                  return (
                    <td key={h} class={`heat heat-${level(n)}`} title={`${day} ${h}h: ${num(n)}`} data-count={n}>
                      <span class="sr-only">{num(n)}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function AgentsCard({ data, filters }: CardProps) {
  const r = data.agents;
  return (
    <Card name="agents" title={t('reports.agents')} filters={filters}>
      {r.agents.length === 0 ? (
        <p class="muted">{t('reports.noAgents')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table-stack" data-testid="table-agents">
            <thead>
              <tr>
                <th scope="col">{t('reports.agent')}</th>
                <th scope="col">{t('reports.agentsConversations')}</th>
                <th scope="col">{t('reports.resolved')}</th>
                <th scope="col">{t('reports.medianFirstResponse')}</th>
                <th scope="col">{t('reports.medianResolution')}</th>
                <th scope="col">{t('reports.csat')}</th>
              </tr>
            </thead>
            <tbody>
              {r.agents.map((a) => (
                <tr key={a.agentId}>
                  <th scope="row">{a.name ?? t('reports.formerMember')}</th>
                  <td data-label={t('reports.agentsConversations')}>{num(a.conversations)}</td>
                  <td data-label={t('reports.resolved')}>{num(a.resolved)}</td>
                  <td data-label={t('reports.medianFirstResponse')}>{formatDuration(a.medianFirstResponseSeconds)}</td>
                  <td data-label={t('reports.medianResolution')}>{formatDuration(a.medianResolutionSeconds)}</td>
                  <td data-label={t('reports.csat')}>
                    {a.csatAverage === null
                      ? t('reports.none')
                      : t('reports.csatOf', { avg: new Intl.NumberFormat(locale.value, { maximumFractionDigits: 2 }).format(a.csatAverage), n: num(a.csatCount) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function DealsCard({ data, filters }: CardProps) {
  const r = data.deals;
  const money = (cents: number) => formatMoney(cents, r.currency);
  const max = Math.max(1, ...r.stages.map((s) => s.valueCents));
  const manyPipelines = new Set(r.stages.map((s) => s.pipelineId)).size > 1;
  return (
    <Card name="deals" title={t('reports.deals')} filters={filters}>
      <dl class="report-stats">
        <div class="report-stat">
          <dt>{t('reports.won')}</dt>
          <dd>
            <strong data-testid="deals-won">{money(r.won.valueCents)}</strong>
            <span class="muted">{t('reports.dealsOf', { n: r.won.count })}</span>
          </dd>
        </div>
        <div class="report-stat">
          <dt>{t('reports.lost')}</dt>
          <dd>
            <strong data-testid="deals-lost">{money(r.lost.valueCents)}</strong>
            <span class="muted">{t('reports.dealsOf', { n: r.lost.count })}</span>
          </dd>
        </div>
      </dl>
      <h3 class="report-sub">{t('reports.pipelineValue')}</h3>
      <ul class="stage-bars" aria-hidden="true">
        {r.stages.map((s) => (
          <li key={s.stageId}>
            <span class="stage-name">{manyPipelines ? `${s.pipelineName} · ${s.stageName}` : s.stageName}</span>
            <span class="stage-bar">
              <span class="stage-fill" style={{ width: `${(s.valueCents / max) * 100}%` }} />
            </span>
            <span class="stage-value">{money(s.valueCents)}</span>
          </li>
        ))}
      </ul>
      <DataTable
        name="deals"
        head={[t('reports.stage'), t('reports.openDeals'), t('reports.value')]}
        rows={r.stages.map((s) => [manyPipelines ? `${s.pipelineName} · ${s.stageName}` : s.stageName, s.openDeals, money(s.valueCents)])}
      />
    </Card>
  );
}
