// Latency summaries: exact percentiles over every sample (the runs are bounded, so we keep them all).

export interface Summary {
  count: number;
  min: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
function rank(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : n);

export function summarize(samples: number[]): Summary | null {
  if (samples.length === 0) return null;
  const s = Float64Array.from(samples).sort();
  const arr = Array.from(s);
  const mean = arr.reduce((a, b) => a + b, 0) / arr.length;
  return {
    count: arr.length,
    min: round(arr[0]!),
    median: round(rank(arr, 0.5)),
    p90: round(rank(arr, 0.9)),
    p95: round(rank(arr, 0.95)),
    p99: round(rank(arr, 0.99)),
    max: round(arr[arr.length - 1]!),
    mean: round(mean),
  };
}

export function fmtMs(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '–';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;
}

export function fmtSummary(s: Summary | null): string {
  if (!s) return 'no samples';
  return `n=${s.count} median ${fmtMs(s.median)} · p95 ${fmtMs(s.p95)} · p99 ${fmtMs(s.p99)} · max ${fmtMs(s.max)}`;
}
