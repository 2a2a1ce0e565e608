// Waiting for the queues to drain, so a test can assert that something did NOT happen (no second send, no extra
// message) without a fixed sleep. The consumers run in this isolate and keep their bookkeeping in
// queues/activity.ts: drained means no batch in flight, no retried message awaiting redelivery, and a probe sent
// to every queue came back with nothing else delivered meanwhile (queues deliver in order, one batch at a time).
import { env } from 'cloudflare:test';
import { queueActivity } from '../queues/activity';

const until = async (what: string, ok: () => boolean, deadline: number) => {
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`queues did not drain: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export async function drainQueues(timeoutMs = 15_000): Promise<void> {
  const a = queueActivity();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await until('a batch is still being handled', () => a.inFlight === 0, deadline);
    const delivered = a.delivered;
    const tokens = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await env.INGEST_QUEUE.send({ type: 'queue.probe', token: tokens[0] }, { contentType: 'json' });
    await env.OUTBOUND_QUEUE.send({ type: 'queue.probe', token: tokens[1] }, { contentType: 'json' });
    await env.DEAD_LETTER_QUEUE.send({ type: 'queue.probe', token: tokens[2] }, { contentType: 'json' });
    await env.MEDIA_QUEUE.send({ type: 'queue.probe', token: tokens[3] }, { contentType: 'json' });
    await until('the probes did not come back', () => tokens.every((t) => a.settledProbes.has(t)), deadline);
    if (a.delivered === delivered && a.inFlight === 0 && a.awaitingRedelivery.size === 0) return;
    await until('a retried message was not redelivered', () => a.awaitingRedelivery.size === 0, deadline);
  }
}
