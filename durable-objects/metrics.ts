// MetricsHub: one instance ("global") holding every counter, histogram and reported gauge of every isolate, so a
// scrape sees the whole deployment rather than whichever isolate answered it. Isolates send it deltas about once a
// second (worker/metrics/recorder.ts); it adds them up in memory and writes the changed series to its storage, so a
// restart keeps the totals (Prometheus copes with counter resets anyway). It holds no sockets and no database.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { definition, nameOf } from '../worker/metrics/catalog';
import type { HistogramDelta, MetricsDelta } from '../worker/metrics/recorder';

export type SeriesState =
  | { kind: 'counter'; value: number }
  | ({ kind: 'histogram' } & HistogramDelta)
  | { kind: 'gauge'; sources: Record<string, { value: number; at: number }> };

/** A `sum` gauge's source (a realtime room) that has not reported for this long is gone (rooms re-report every minute). */
export const GAUGE_SOURCE_TTL_MS = 5 * 60_000;
/** Storage writes take at most 128 keys per call. */
const PUT_BATCH = 128;

export class MetricsHub extends DurableObject<Env> {
  private series = new Map<string, SeriesState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      for (const [key, state] of await ctx.storage.list<SeriesState>({ prefix: 's:' })) this.series.set(key.slice(2), state);
    });
  }

  async record(delta: MetricsDelta): Promise<void> {
    const changed = new Set<string>();
    for (const [key, n] of delta.counters) {
      const s = this.series.get(key);
      this.series.set(key, { kind: 'counter', value: (s?.kind === 'counter' ? s.value : 0) + n });
      changed.add(key);
    }
    for (const [key, h] of delta.histograms) {
      const s = this.series.get(key);
      // A histogram whose buckets changed (a new release) starts over rather than mixing bucket layouts.
      const same = s?.kind === 'histogram' && s.counts.length === h.counts.length;
      this.series.set(
        key,
        same
          ? { kind: 'histogram', counts: s.counts.map((c, i) => c + h.counts[i]!), sum: s.sum + h.sum, count: s.count + h.count }
          : { kind: 'histogram', ...h },
      );
      changed.add(key);
    }
    for (const [key, g] of delta.gauges) {
      const def = definition(nameOf(key));
      if (def?.type !== 'gauge') continue;
      const s = this.series.get(key);
      const sources = s?.kind === 'gauge' ? { ...s.sources } : {};
      if (def.aggregate === 'last') {
        const current = sources[''];
        if (!current || g.at >= current.at) sources[''] = { value: g.value, at: g.at };
      } else if (g.value === 0) delete sources[g.source];
      else sources[g.source] = { value: g.value, at: g.at };
      this.series.set(key, { kind: 'gauge', sources });
      changed.add(key);
    }
    const entries = [...changed].map((k) => [`s:${k}`, this.series.get(k)!] as const);
    for (let i = 0; i < entries.length; i += PUT_BATCH) await this.ctx.storage.put(Object.fromEntries(entries.slice(i, i + PUT_BATCH)));
  }

  /** Every series as it stands: counters and histograms as totals, gauges aggregated per their definition. */
  async snapshot(now = Date.now()): Promise<Snapshot> {
    const out: Snapshot = [];
    for (const [key, s] of this.series) {
      if (s.kind !== 'gauge') {
        out.push({ key, series: s });
        continue;
      }
      const def = definition(nameOf(key));
      const live = Object.values(s.sources).filter((v) => def?.type === 'gauge' && (def.aggregate === 'last' || now - v.at <= GAUGE_SOURCE_TTL_MS));
      out.push({ key, series: { kind: 'gauge', value: live.reduce((sum, v) => sum + v.value, 0) } });
    }
    return out;
  }
}

export type SnapshotSeries = { kind: 'counter'; value: number } | ({ kind: 'histogram' } & HistogramDelta) | { kind: 'gauge'; value: number };
export type Snapshot = { key: string; series: SnapshotSeries }[];
