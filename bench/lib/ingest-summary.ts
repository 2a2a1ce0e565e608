// The ingest benchmark's Markdown beyond the per-stage table: round trips and the consumer's timing per stage, and
// the report over repeated runs (verdict first, then each key metric's median and spread, then every run).
import type { StageTiming } from './ingest-timing';
import { table } from './report';
import type { TurnsSummary } from './round-trips';
import { fmtMs, type Summary } from './stats';
import { checks, combine, spread, verdictTable, type Check, type Metrics } from './verdict';

const n1 = (x: number | undefined | null) => (x === undefined || x === null ? '–' : String(x));

/** Per window: turns per tenant transaction (the target), then per connection and the standalone statements. */
export function roundTripTable(byWindow: Record<string, TurnsSummary>, overall: TurnsSummary): string {
  const three = (s: Summary | null | undefined) => `${n1(s?.median)} / ${n1(s?.p95)} / ${n1(s?.max)}`;
  const row = (name: string, t: TurnsSummary) => [
    name,
    // Results from before transactions were counted have no such field: '–', not 0.
    t.transactionTurns === undefined ? '–' : `${t.transactionTurns?.count ?? 0}${t.unfinishedTransactions ? ` (${t.unfinishedTransactions} unfinished)` : ''}`,
    three(t.transactionTurns),
    t.connections,
    three(t.turns),
    n1(t.startupTurns?.median),
    `${t.totalStandaloneTurns ?? '–'} (${three(t.standaloneTurns)})`,
    t.totalTurns,
  ];
  return table(
    [
      'window',
      'transactions',
      'turns per transaction p50 / p95 / max',
      'connections opened',
      'turns per connection p50 / p95 / max',
      'startup turns p50',
      'standalone turns (per connection p50 / p95 / max)',
      'all turns',
    ],
    [...Object.entries(byWindow).map(([name, t]) => row(name, t)), row('**all**', overall)],
  );
}

/** Per window: the consumer's stages, and "DO → socket" estimated as e2e − (ack + queue wait + store + notify). */
export function breakdownTable(byWindow: Record<string, StageTiming>, e2e: Record<string, { e2e: Summary | null; ack: Summary | null }>): string {
  const cell = (s: Summary | null) => (s ? `${fmtMs(s.median)} / ${fmtMs(s.p95)}` : '–');
  const rows = Object.entries(byWindow).map(([name, t]) => {
    const e = e2e[name];
    const [whole, ...parts] = [e?.e2e?.median, e?.ack?.median, t.queueWait?.median, t.store?.median, t.notify?.median];
    const rest = whole !== undefined && parts.every((x) => x !== undefined) ? parts.reduce((a, b) => a! - b!, whole) : null;
    return [
      name,
      t.batches,
      t.batches ? (t.messages / t.batches).toFixed(1) : '–',
      t.batches ? (t.orgs / t.batches).toFixed(1) : '–',
      cell(t.queueWait),
      cell(t.store),
      cell(t.notify),
      cell(t.total),
      cell(e?.e2e ?? null),
      rest === null ? '–' : `≈ ${fmtMs(rest)}`,
    ];
  });
  return table(
    ['window', 'batches', 'msgs/batch', 'orgs/batch', 'queue wait p50 / p95', 'store p50 / p95', 'notify p50 / p95', 'batch total p50 / p95', 'e2e p50 / p95', 'DO → socket (estimate)'],
    rows,
  );
}

const KEY_ROWS: [keyof Metrics, string][] = [
  ['ceilingPerSecond', 'bare-route ceiling (req/s)'],
  ['storedPerSecond', 'stored end to end, sustained (msg/s)'],
  ['storedRatio', 'stored / ceiling'],
  ['sustainedE2eP95', 'webhook → room socket p95, sustained stage (ms)'],
  ['burstAckP95', 'burst ack p95 (ms)'],
  ['burstScreensLagMs', 'burst: last message on a screen after its end (ms)'],
  ['txTurnsP95', 'round trips per tenant transaction, p95'],
  ['txTurnsMax', 'round trips per tenant transaction, max'],
  ['transactions', 'tenant transactions counted'],
  ['standalonePerConnection', 'standalone statements (routing reads) per connection, mean'],
  ['turnsP95', 'round trips per connection after startup, p95'],
  ['turnsMax', 'round trips per connection after startup, max'],
  ['startupTurnsMedian', 'startup round trips per connection, median'],
  ['turnsPerMessage', 'round trips per message stored'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
];

export function combinedReport(opts: {
  title: string;
  header: string[];
  runs: { metrics: Metrics; checks: Check[]; md: string }[];
}): { md: string; combined: Metrics; checks: Check[]; spread: Record<string, ReturnType<typeof spread>> } {
  const metrics = opts.runs.map((r) => r.metrics);
  const combined = combine(metrics);
  const combinedChecks = checks(combined);
  const spreads: Record<string, ReturnType<typeof spread>> = {};
  const rows = KEY_ROWS.map(([key, label]) => {
    const s = spread(metrics.map((m) => m[key]));
    spreads[key] = s;
    return [label, s ? String(s.median) : '–', s ? `${s.min}–${s.max}` : '–', ...metrics.map((m) => n1(m[key]))];
  });
  const many = opts.runs.length > 1;
  const md = [
    `# ${opts.title}`,
    '',
    ...opts.header,
    '',
    '## Verdict',
    '',
    verdictTable(combinedChecks, opts.runs.map((r) => r.checks)),
    '',
    many
      ? `Measured values are the median of ${opts.runs.length} runs (lost, duplicated, unacknowledged and missing: the worst run). "runs passing" judges each run alone.`
      : 'One run: repeat with `--repeat 3` for medians and spread.',
    '',
    `## Key metrics${many ? ' across runs' : ''}`,
    '',
    table(['metric', 'median', 'min–max', ...opts.runs.map((_, i) => `run ${i + 1}`)], rows),
    '',
    ...opts.runs.map((r) => r.md),
  ].join('\n');
  return { md, combined, checks: combinedChecks, spread: spreads };
}
