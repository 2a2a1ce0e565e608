// Issue 18's targets, judged per run and on the median of repeated runs. Each run is reduced to flat metrics; the
// repeats are combined metric by metric (median, and the worst run for counts that must be zero).
import { fmtMs } from './stats';

export interface Metrics {
  dbLatencyMs: number;
  ceilingPerSecond: number | null;
  /** Stored end to end, sustained (bench/lib/stored-loop.ts). */
  storedPerSecond: number | null;
  storedSeconds: number | null;
  storedRatio: number | null;
  lost: number;
  duplicated: number;
  /** 1 when the queue did not drain. */
  undrained: number;
  sustainedRate: number | null;
  sustainedE2eP95: number | null;
  burstRate: number | null;
  burstSeconds: number | null;
  burstAckP95: number | null;
  /** Burst requests not acknowledged (errors, timeouts, skipped by the generator). */
  burstFailed: number | null;
  /** Last burst message on a watched socket, after the burst's end. */
  burstScreensLagMs: number | null;
  /** Burst messages a watching room socket never got. */
  burstMissing: number | null;
  /**
   * Turns per tenant transaction (withOrg's BEGIN … COMMIT, by the ReadyForQuery status): issue 18's round trips per
   * organisation batch. Optional: results written before the proxy counted transactions have none.
   */
  txTurnsP95?: number | null;
  txTurnsMax?: number | null;
  transactions?: number | null;
  /** Statements outside any transaction (the consumer's routing reads), per connection: the mean. */
  standalonePerConnection?: number | null;
  /** Per connection after startup: information (a routing read shares the first organisation's connection). */
  turnsP95: number | null;
  turnsMax: number | null;
  startupTurnsMedian: number | null;
  turnsPerMessage: number | null;
}

/** Counts where one bad run is a bad result: combined by the worst run, not the median. */
const WORST: (keyof Metrics)[] = ['lost', 'duplicated', 'undrained', 'burstFailed', 'burstMissing'];

export type Outcome = 'PASS' | 'FAIL' | 'N/A';

export interface Check {
  target: string;
  threshold: string;
  measured: string;
  outcome: Outcome;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: (number | null | undefined)[]): Spread | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  // Median of an even count: the mean of the middle two.
  const mid = v.length / 2;
  const median = v.length % 2 ? v[Math.floor(mid)]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median: Math.round(median * 100) / 100, min: v[0]!, max: v[v.length - 1]! };
}

export function combine(runs: Metrics[]): Metrics {
  const out = {} as Record<keyof Metrics, number | null>;
  for (const key of Object.keys(runs[0]!) as (keyof Metrics)[]) {
    const s = spread(runs.map((r) => r[key]));
    out[key] = s === null ? null : WORST.includes(key) ? s.max : s.median;
  }
  return out as unknown as Metrics;
}

const ok = (b: boolean): Outcome => (b ? 'PASS' : 'FAIL');

export function checks(m: Metrics): Check[] {
  const list: Check[] = [];
  const storedMeasured =
    m.storedPerSecond === null
      ? 'not measured (--stored-seconds 0)'
      : m.storedRatio === null
        ? `${m.storedPerSecond}/s, no ceiling measured`
        : `${m.storedRatio} (${m.storedPerSecond}/s of ${m.ceilingPerSecond}/s, ${m.storedSeconds} s); lost ${m.lost}, duplicated ${m.duplicated}${m.undrained ? ', queue NOT drained' : ''}`;
  list.push({
    target: 'Stored end to end / bare-route ceiling, sustained 60 s, 0 lost, 0 duplicated',
    threshold: '≥ 0.5',
    measured: storedMeasured,
    outcome:
      m.storedRatio === null || (m.storedSeconds ?? 0) < 60
        ? 'N/A'
        : ok(m.storedRatio >= 0.5 && m.lost === 0 && m.duplicated === 0 && m.undrained === 0),
  });
  const e2eLimit = m.dbLatencyMs === 0 ? 100 : 150;
  list.push({
    target: `Webhook → agent socket p95 at 100 msg/s${m.dbLatencyMs ? `, ${m.dbLatencyMs} ms DB latency${m.dbLatencyMs === 5 ? '' : ' (target stated for 5 ms)'}` : ''}`,
    threshold: `< ${e2eLimit} ms`,
    measured: `${fmtMs(m.sustainedE2eP95)}${m.sustainedRate !== 100 ? ` at ${m.sustainedRate ?? '–'}/s` : ''}`,
    outcome: m.sustainedRate !== 100 || m.sustainedE2eP95 === null ? 'N/A' : ok(m.sustainedE2eP95 < e2eLimit),
  });
  const fullBurst = (m.burstRate ?? 0) >= 1000 && (m.burstSeconds ?? 0) >= 5;
  list.push({
    target: '1,000 msg/s burst for 5 s: acks p95; every message on screens within 5 s of the end',
    threshold: '< 200 ms; ≤ 5 s',
    measured:
      m.burstRate === null
        ? 'no burst stage'
        : `ack p95 ${fmtMs(m.burstAckP95)}, ${m.burstFailed} not acknowledged; last on screen ${fmtMs(m.burstScreensLagMs)} after the end, ${m.burstMissing} missing${fullBurst ? '' : ` (burst ${m.burstRate}/s for ${m.burstSeconds} s)`}`,
    outcome:
      !fullBurst || m.burstAckP95 === null
        ? 'N/A'
        : ok(m.burstAckP95 < 200 && m.burstFailed === 0 && m.burstMissing === 0 && m.burstScreensLagMs !== null && m.burstScreensLagMs <= 5000),
  });
  const txP95 = m.txTurnsP95 ?? null;
  const perConnection =
    m.turnsP95 === null
      ? 'no connections counted'
      : `per connection p95 ${m.turnsP95}, max ${m.turnsMax}, startup ${m.startupTurnsMedian} more; ${m.standalonePerConnection ?? '–'} standalone statements (routing reads) per connection; ${m.turnsPerMessage ?? '–'} per message stored`;
  list.push({
    target: 'Round trips per organisation batch (p95 of turns per tenant transaction, BEGIN … COMMIT)',
    threshold: '≤ 4',
    measured: txP95 === null ? `no transactions counted; ${perConnection}` : `p95 ${txP95}, max ${m.txTurnsMax ?? '–'} over ${m.transactions ?? '–'} transactions; ${perConnection}`,
    outcome: txP95 === null ? 'N/A' : ok(txP95 <= 4),
  });
  return list;
}

/** Verdict table: the combined run's checks, and how many single runs passed each. */
export function verdictTable(combined: Check[], perRun: Check[][]): string {
  const rows = combined.map((c, i) => {
    const passes = perRun.filter((r) => r[i]!.outcome === 'PASS').length;
    const judged = perRun.filter((r) => r[i]!.outcome !== 'N/A').length;
    return `| ${c.target} | ${c.threshold} | ${c.measured} | **${c.outcome}** | ${judged ? `${passes}/${perRun.length}` : '–'} |`;
  });
  return ['| target | threshold | measured | verdict | runs passing |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
