// Recording metrics without slowing anything down: every isolate (worker, queue consumers, Durable Objects) adds to a
// buffer in memory, and ships the buffer to the one MetricsHub Durable Object (durable-objects/metrics.ts) at most
// about once a second, or sooner after many events, always through `waitUntil` — so a request (the webhook ack above
// all) never awaits the hub and never touches the database for metrics. The scrape flushes its own isolate's buffer
// first; another isolate's last second arrives on its next flush (a trailing timer makes sure there is one).
import { definition, seriesKey, type CounterName, type GaugeName, type HistogramName, type LabelsOf } from './catalog';

export interface HistogramDelta {
  /** Per-bucket counts, not cumulative; the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}
export interface GaugeReport {
  value: number;
  /** ms since epoch: the newest report wins for `last` gauges; `sum` gauges forget a source silent for too long. */
  at: number;
  source: string;
}
export interface MetricsDelta {
  counters: [string, number][];
  histograms: [string, HistogramDelta][];
  gauges: [string, GaugeReport][];
}

/** Where the hub lives: the binding (absent in a stripped-down env, then nothing is shipped). */
export interface MetricsEnv {
  METRICS?: DurableObjectNamespace<import('../../durable-objects/metrics').MetricsHub>;
}

export const FLUSH_INTERVAL_MS = 1_000;
const FLUSH_EVENTS = 500;
export const HUB_NAME = 'global';

interface Buffer {
  counters: Map<string, number>;
  histograms: Map<string, HistogramDelta>;
  gauges: Map<string, GaugeReport>;
  events: number;
  lastFlush: number;
  trailing: boolean;
  inFlight: Set<Promise<void>>;
}

// Shared through globalThis: the test runner and the worker may hold separate copies of this module in one isolate.
const KEY = Symbol.for('conversa.metricsBuffer');
function buffer(): Buffer {
  const g = globalThis as unknown as Record<symbol, Buffer | undefined>;
  return (g[KEY] ??= { counters: new Map(), histograms: new Map(), gauges: new Map(), events: 0, lastFlush: 0, trailing: false, inFlight: new Set() });
}

export function inc<N extends CounterName>(name: N, labels: LabelsOf<N>, n = 1): void {
  const b = buffer();
  const key = seriesKey(name, labels);
  b.counters.set(key, (b.counters.get(key) ?? 0) + n);
  b.events++;
}

export function observe<N extends HistogramName>(name: N, labels: LabelsOf<N>, value: number): void {
  const def = definition(name);
  if (def?.type !== 'histogram' || !Number.isFinite(value)) return;
  const b = buffer();
  const key = seriesKey(name, labels);
  let h = b.histograms.get(key);
  if (!h) b.histograms.set(key, (h = { counts: new Array(def.buckets.length + 1).fill(0), sum: 0, count: 0 }));
  const i = def.buckets.findIndex((le) => value <= le);
  h.counts[i < 0 ? def.buckets.length : i]!++;
  h.sum += value;
  h.count++;
  b.events++;
}

/** A gauge's current value as this source sees it (`source` matters for `sum` gauges: one per room, say). */
export function setGauge<N extends GaugeName>(name: N, labels: LabelsOf<N>, value: number, source = ''): void {
  const b = buffer();
  const key = seriesKey(name, labels);
  b.gauges.set(`${key}\u0000${source}`, { value, at: Date.now(), source });
  b.events++;
}

function take(): MetricsDelta | null {
  const b = buffer();
  if (b.events === 0) return null;
  const delta: MetricsDelta = {
    counters: [...b.counters],
    histograms: [...b.histograms],
    gauges: [...b.gauges].map(([k, g]) => [k.slice(0, k.indexOf('\u0000')), g]),
  };
  b.counters.clear();
  b.histograms.clear();
  b.gauges.clear();
  b.events = 0;
  b.lastFlush = Date.now();
  return delta;
}

function ship(env: MetricsEnv, delta: MetricsDelta): Promise<void> {
  const b = buffer();
  // A fresh stub per call: a stub belongs to the request that made it.
  const p = (async () => {
    try {
      await env.METRICS!.get(env.METRICS!.idFromName(HUB_NAME)).record(delta);
    } catch (err) {
      // Metrics are best effort: a lost second of counts must never fail the work that produced them.
      console.warn(JSON.stringify({ level: 'warn', msg: 'metrics flush failed', error: String(err) }));
    }
  })();
  b.inFlight.add(p);
  return p.finally(() => b.inFlight.delete(p));
}

/**
 * Ships the buffer through `waitUntil` when a second has passed since the last flush or it holds many events;
 * otherwise schedules one trailing flush (so the last events of a burst are not left behind). Never awaits the hub.
 */
export function flushMetrics(env: MetricsEnv, waitUntil: (p: Promise<unknown>) => void): void {
  const b = buffer();
  if (!env.METRICS || b.events === 0) return;
  const since = Date.now() - b.lastFlush;
  if (b.events >= FLUSH_EVENTS || since >= FLUSH_INTERVAL_MS) {
    const delta = take();
    if (delta) waitUntil(ship(env, delta));
    return;
  }
  if (b.trailing) return;
  b.trailing = true;
  waitUntil(
    new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS - since)).then(() => {
      b.trailing = false;
      const delta = take();
      return delta ? ship(env, delta) : undefined;
    }),
  );
}

/** The scrape's flush: this isolate's flushes under way, then what is still buffered, all awaited. */
export async function flushNow(env: MetricsEnv): Promise<void> {
  const b = buffer();
  if (!env.METRICS) return;
  await Promise.allSettled([...b.inFlight]);
  const delta = take();
  if (delta) await ship(env, delta);
}

/** `c.executionCtx.waitUntil` when there is one (not in `app.request()` unit tests). */
export function waitUntilOf(get: () => { waitUntil(p: Promise<unknown>): void }): ((p: Promise<unknown>) => void) | null {
  try {
    const ctx = get();
    return (p) => ctx.waitUntil(p);
  } catch {
    return null;
  }
}
