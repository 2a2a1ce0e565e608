// The recording path stays off the request's critical path: a request's answer never waits for the MetricsHub, and
// many requests make a handful of hub calls (about one a second per isolate), not one each.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { flushNow } from './recorder';
import type { MetricsDelta } from './recorder';

/** A MetricsHub namespace whose `record` calls are kept, and held open until released. */
function fakeHub() {
  const calls: MetricsDelta[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const stub = {
    record: async (delta: MetricsDelta) => {
      calls.push(delta);
      await held;
    },
  };
  const ns = { idFromName: () => ({}), get: () => stub } as unknown as typeof env.METRICS;
  return { ns, calls, release };
}

describe('metrics recorder', () => {
  it('answers requests without waiting for the hub, and batches many requests into few hub calls', async () => {
    const hub = fakeHub();
    const testEnv = { ...env, METRICS: hub.ns };
    // Whatever an earlier test left in this isolate's buffer goes out first.
    await flushNow(testEnv).catch(() => {});
    hub.calls.length = 0;

    const contexts: ExecutionContext[] = [];
    for (let i = 0; i < 20; i++) {
      const ctx = createExecutionContext();
      contexts.push(ctx);
      // The hub never answers until released: each response still arrives.
      const res = await worker.fetch(new Request('http://conversa.test/recorder-test-nothing', { method: 'PUT' }), testEnv, ctx);
      expect(res.status).toBe(404);
    }
    expect(hub.calls.length).toBeLessThanOrEqual(2);
    hub.release();
    await flushNow(testEnv);
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));
    const counted = hub.calls
      .flatMap((d) => d.counters)
      .filter(([key]) => key === 'conversa_http_requests_total{route="unmatched",method="PUT",status="404"}')
      .reduce((n, [, v]) => n + v, 0);
    expect(counted).toBe(20);
    expect(hub.calls.length).toBeLessThanOrEqual(3);
  });
});
