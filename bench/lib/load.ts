// Open-model load: requests leave on a fixed schedule computed up front (arrival k of a stage at the time its
// cumulative rate reaches k + ½), whatever the server's answers do — unlike a closed loop, a slow server cannot
// slow the arrivals. Latency is measured from the *scheduled* time, so a late dispatch counts against the result
// (no coordinated omission); the dispatch lag is reported too, to show the generator itself kept up.
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats';

export interface Stage {
  name: string;
  seconds: number;
  /** Arrival rate (per second) at the stage's start and end; linear in between. */
  from: number;
  to: number;
}

export interface Shot {
  stage: string;
  /** False when the arrival was not sent (client bound reached). */
  sent?: boolean;
  index: number;
  scheduled: number;
  dispatched: number;
  done: number;
  status: number | null;
  error?: string;
}

export interface StageWindow {
  name: string;
  start: number;
  end: number;
  planned: number;
}

/** Arrival offsets (ms from the stage start) for a linear rate from→to over `seconds`. */
export function arrivals(stage: Stage): number[] {
  const T = stage.seconds;
  const a = (stage.to - stage.from) / (2 * T);
  const b = stage.from;
  const total = Math.floor(b * T + a * T * T);
  const out: number[] = new Array(total);
  for (let k = 0; k < total; k++) {
    const n = k + 0.5;
    const t = Math.abs(a) < 1e-12 ? n / b : (-b + Math.sqrt(b * b + 4 * a * n)) / (2 * a);
    out[k] = t * 1000;
  }
  return out;
}

export interface OpenModelOptions {
  /** Arrivals beyond this many unanswered requests are not sent (counted as "skipped"): bounds the client. */
  maxInFlight?: number;
  onStage?: (stage: Stage, index: number) => void;
}

export interface OpenModelResult {
  shots: Shot[];
  windows: StageWindow[];
  skipped: number;
}

/**
 * Runs the stages back to back. `fire(index, stage)` performs one request and resolves with its status; it is
 * called at (or just after) the scheduled time, never awaited by the scheduler.
 */
export async function runOpenModel(
  stages: Stage[],
  fire: (index: number, stage: Stage) => Promise<{ status: number | null; error?: string }>,
  opts: OpenModelOptions = {},
): Promise<OpenModelResult> {
  const maxInFlight = opts.maxInFlight ?? 1_000;
  const plan: { at: number; stage: number }[] = [];
  const windows: StageWindow[] = [];
  let offset = 0;
  stages.forEach((s, si) => {
    const times = arrivals(s);
    for (const t of times) plan.push({ at: offset + t, stage: si });
    windows.push({ name: s.name, start: offset, end: offset + s.seconds * 1000, planned: times.length });
    offset += s.seconds * 1000;
  });

  const shots: Shot[] = [];
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  let skipped = 0;
  const start = performance.now() + 20;
  for (const w of windows) {
    w.start += start;
    w.end += start;
  }
  let currentStage = -1;
  let i = 0;
  while (i < plan.length) {
    const now = performance.now();
    while (i < plan.length && start + plan[i]!.at <= now) {
      const { at, stage } = plan[i]!;
      if (stage !== currentStage) {
        currentStage = stage;
        opts.onStage?.(stages[stage]!, stage);
      }
      const index = i++;
      if (inFlight >= maxInFlight) {
        skipped++;
        shots.push({ stage: stages[stage]!.name, index, scheduled: start + at, dispatched: 0, done: 0, status: null, sent: false });
        continue;
      }
      const shot: Shot = { stage: stages[stage]!.name, index, scheduled: start + at, dispatched: performance.now(), done: 0, status: null };
      shots.push(shot);
      inFlight++;
      const p = fire(index, stages[stage]!).then((r) => {
        shot.done = performance.now();
        shot.status = r.status;
        if (r.error) shot.error = r.error;
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    if (i >= plan.length) break;
    const wait = start + plan[i]!.at - performance.now();
    // setTimeout's floor is ~1 ms; sleeping a little less than the gap keeps dispatches on time.
    await new Promise((r) => setTimeout(r, wait > 2 ? wait - 1 : 0));
  }
  await Promise.all(pending);
  return { shots, windows, skipped };
}

/** The generator's own health: how late its timers fire (a busy event loop delays every dispatch and receipt). */
export function lagSampler(everyMs = 20) {
  const samples: { t: number; lag: number }[] = [];
  let expected = performance.now() + everyMs;
  const timer = setInterval(() => {
    const now = performance.now();
    samples.push({ t: now, lag: Math.max(0, now - expected) });
    expected = now + everyMs;
  }, everyMs);
  return {
    stop: () => clearInterval(timer),
    between: (from: number, to: number) => summarize(samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.lag)),
  };
}

export interface StageReport {
  stage: string;
  seconds: number;
  offeredRate: { from: number; to: number };
  planned: number;
  sent: number;
  /** Arrivals not sent because `maxInFlight` requests were already waiting (the client's bound). */
  skipped: number;
  accepted: number;
  errors: Record<string, number>;
  /** Accepted per second over the stage window. */
  acceptedPerSecond: number;
  /** Scheduled send → response fully read. */
  ack: Summary | null;
  /** Actual dispatch → response (what the server took, without generator lateness). */
  service: Summary | null;
  /** How late the generator dispatched (scheduled → dispatched). */
  dispatchLag: Summary | null;
}

export function stageReports(stages: Stage[], result: OpenModelResult): StageReport[] {
  return stages.map((s, si) => {
    const w = result.windows[si]!;
    const all = result.shots.filter((x) => x.stage === s.name);
    const shots = all.filter((x) => x.sent !== false);
    const ok = shots.filter((x) => x.status !== null && x.status >= 200 && x.status < 300);
    const errors: Record<string, number> = {};
    for (const x of shots) {
      if (x.status !== null && x.status >= 200 && x.status < 300) continue;
      const key = x.status === null ? (x.error?.split(':')[0] ?? 'network') : String(x.status);
      errors[key] = (errors[key] ?? 0) + 1;
    }
    return {
      stage: s.name,
      seconds: s.seconds,
      offeredRate: { from: s.from, to: s.to },
      planned: w.planned,
      sent: shots.length,
      skipped: all.length - shots.length,
      accepted: ok.length,
      errors,
      acceptedPerSecond: Math.round((ok.length / s.seconds) * 10) / 10,
      ack: summarize(ok.map((x) => x.done - x.scheduled)),
      service: summarize(ok.map((x) => x.done - x.dispatched)),
      dispatchLag: summarize(shots.map((x) => x.dispatched - x.scheduled)),
    };
  });
}

/** Closed loop at a fixed concurrency for a fixed time: the most a route can take (used for the ceiling). */
export async function saturate(
  seconds: number,
  concurrency: number,
  fire: (i: number) => Promise<{ status: number | null }>,
): Promise<{ requests: number; ok: number; perSecond: number; latency: Summary | null }> {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  let ok = 0;
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = n++;
        const s = performance.now();
        const r = await fire(i);
        lat.push(performance.now() - s);
        if (r.status !== null && r.status >= 200 && r.status < 300) ok++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { requests: n, ok, perSecond: Math.round(ok / elapsed), latency: summarize(lat) };
}
