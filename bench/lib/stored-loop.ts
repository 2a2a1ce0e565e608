// Stored end to end, sustained: signed webhooks in a closed loop whose bound is the pipeline, not the HTTP answer —
// posting pauses while `window` acknowledged messages are not yet stored. Acks alone would run ahead of the
// consumer, and the backlog (and the local queue's timer cap) would decide the result; this keeps the queue busy
// without letting it grow, so what it measures is the rate at which messages reach the database for as long as asked.
import { performance } from 'node:perf_hooks';

export interface StoredLoopResult {
  seconds: number;
  acked: number;
  /** Stored while the loop ran (the rest is stored during the drain that follows). */
  storedInWindow: number;
  perSecond: number;
  /** Lowest stored rate over any 10 s stretch of the window (how steady "sustained" was). */
  lowestTenSecondRate: number | null;
  /** Acknowledged and not yet stored, sampled: the bound held. */
  maxInPipeline: number;
}

export async function storedLoop(opts: {
  seconds: number;
  concurrency: number;
  window: number;
  /** One signed webhook: true when it was acknowledged. */
  post: () => Promise<boolean>;
  /** Messages stored so far (any monotonic count). */
  storedCount: () => Promise<number>;
}): Promise<StoredLoopResult> {
  const base = await opts.storedCount();
  let stored = 0;
  let acked = 0;
  let maxInPipeline = 0;
  const samples: { t: number; stored: number }[] = [{ t: performance.now(), stored: 0 }];
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;
  let running = true;
  const poller = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 100));
      const n = (await opts.storedCount().catch(() => base + stored)) - base;
      stored = Math.max(stored, n);
      samples.push({ t: performance.now(), stored });
      maxInPipeline = Math.max(maxInPipeline, acked - stored);
    }
  })();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < deadline) {
        if (acked - stored >= opts.window) {
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        if (await opts.post()) acked++;
      }
    }),
  );
  running = false;
  await poller;
  const inWindow = samples.filter((s) => s.t <= deadline);
  const last = inWindow[inWindow.length - 1]!;
  let lowest: number | null = null;
  for (const a of inWindow) {
    const b = inWindow.find((x) => x.t >= a.t + 10_000);
    if (!b) break;
    const rate = ((b.stored - a.stored) / (b.t - a.t)) * 1000;
    lowest = lowest === null ? rate : Math.min(lowest, rate);
  }
  return {
    seconds: opts.seconds,
    acked,
    storedInWindow: last.stored,
    perSecond: Math.round((last.stored / (last.t - t0)) * 1000),
    lowestTenSecondRate: lowest === null ? null : Math.round(lowest),
    maxInPipeline,
  };
}
