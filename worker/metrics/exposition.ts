// The Prometheus text exposition format (version 0.0.4), written by hand: prom-client needs Node's `cluster` and
// `perf_hooks` (not in workerd without nodejs_compat) and keeps per-process registries, while these series are
// already aggregated by the MetricsHub. One HELP/TYPE pair per metric, histograms as cumulative `_bucket{le}` series
// ending in `+Inf` (= `_count`), then `_sum` and `_count`.
import type { Snapshot, SnapshotSeries } from '../../durable-objects/metrics';
import { METRICS, nameOf, withLabel, type MetricDef } from './catalog';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const num = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));
const escapeHelp = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

/**
 * The exposition of the hub's series plus the gauges read at scrape time (`extra`, which replace a hub series of the
 * same key). Metrics of the catalog without any series still get their HELP and TYPE, so dashboards see the names.
 */
export function render(snapshot: Snapshot, extra: Map<string, number> = new Map()): string {
  const byName = new Map<string, [string, SnapshotSeries][]>();
  const add = (key: string, s: SnapshotSeries) => {
    const name = nameOf(key);
    if (!(name in METRICS)) return;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push([key, s]);
  };
  for (const { key, series } of snapshot) if (!extra.has(key)) add(key, series);
  for (const [key, value] of extra) add(key, { kind: 'gauge', value });

  const lines: string[] = [];
  for (const [name, def] of Object.entries(METRICS) as [string, MetricDef][]) {
    lines.push(`# HELP ${name} ${escapeHelp(def.help)}`, `# TYPE ${name} ${def.type}`);
    const series = (byName.get(name) ?? []).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, s] of series) {
      if (s.kind === 'histogram' && def.type === 'histogram') {
        let cumulative = 0;
        def.buckets.forEach((le, i) => {
          cumulative += s.counts[i] ?? 0;
          lines.push(`${withLabel(key, '_bucket', 'le', num(le))} ${cumulative}`);
        });
        lines.push(`${withLabel(key, '_bucket', 'le', '+Inf')} ${s.count}`);
        lines.push(`${sibling(key, '_sum')} ${num(s.sum)}`, `${sibling(key, '_count')} ${s.count}`);
      } else if (s.kind !== 'histogram') {
        lines.push(`${key} ${num(s.value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `name{…}` → `name_sum{…}`. */
function sibling(key: string, suffix: string): string {
  const name = nameOf(key);
  return name + suffix + key.slice(name.length);
}
