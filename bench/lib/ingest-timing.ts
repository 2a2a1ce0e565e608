// The consumer's own account of each ingest batch: with the worker var INGEST_TIMING_LOG=1 it logs one JSON line
// `{"msg":"ingest.timing", batch, queueWaitMs: [per message], storeMs, notifyMs, totalMs, orgs}`. Lines are kept
// with their arrival time here and grouped by the stage in which their batch started.
import { summarize, type Summary } from './stats';

export const TIMING_MSG = 'ingest.timing';

export interface IngestTiming {
  /** performance.now() of this process when the line arrived. */
  at: number;
  batch: number;
  queueWaitMs: number[];
  storeMs: number;
  notifyMs: number;
  totalMs: number;
  orgs: number;
}

export function parseTiming(message: string, at: number): IngestTiming | null {
  if (!message.includes(TIMING_MSG)) return null;
  const start = message.indexOf('{');
  if (start < 0) return null;
  try {
    const o = JSON.parse(message.slice(start)) as Partial<IngestTiming> & { msg?: string };
    if (o.msg !== TIMING_MSG) return null;
    const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
    return {
      at,
      batch: n(o.batch),
      queueWaitMs: Array.isArray(o.queueWaitMs) ? o.queueWaitMs.filter((x): x is number => typeof x === 'number') : [],
      storeMs: n(o.storeMs),
      notifyMs: n(o.notifyMs),
      totalMs: n(o.totalMs),
      orgs: n(o.orgs),
    };
  } catch {
    return null;
  }
}

export interface StageTiming {
  batches: number;
  messages: number;
  orgs: number;
  /** Per queue message: consumer start − webhook receivedAt. */
  queueWait: Summary | null;
  /** Per batch. */
  store: Summary | null;
  notify: Summary | null;
  total: Summary | null;
}

/** Lines by the window (perf-clock ms) in which their batch started (arrival − totalMs). */
export function timingByWindow(lines: IngestTiming[], windows: { name: string; start: number; end: number }[]): Record<string, StageTiming> {
  const out: Record<string, StageTiming> = {};
  for (const w of windows) {
    const mine = lines.filter((l) => l.at - l.totalMs >= w.start && l.at - l.totalMs < w.end);
    out[w.name] = {
      batches: mine.length,
      messages: mine.reduce((a, l) => a + l.batch, 0),
      orgs: mine.reduce((a, l) => a + l.orgs, 0),
      queueWait: summarize(mine.flatMap((l) => l.queueWaitMs)),
      store: summarize(mine.map((l) => l.storeMs)),
      notify: summarize(mine.map((l) => l.notifyMs)),
      total: summarize(mine.map((l) => l.totalMs)),
    };
  }
  return out;
}
