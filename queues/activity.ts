// What this isolate's queue consumers are doing, for a caller in the same isolate that must know every queue is
// idle: the tests (test/drain.ts), whose "nothing else happened" holds only once the queues drained. Kept only when
// APP_ENV is "test": production isolates skip the bookkeeping.
//
// Idle means: no batch in flight, no retried message waiting for its redelivery (a retry keeps its id, also into the
// dead-letter queue), and a probe sent to each queue came back with nothing delivered meanwhile — queues hand out
// batches one at a time in order, so everything enqueued before the probe has then been handled.

interface Activity {
  inFlight: number;
  /** Messages delivered (probes not counted). */
  delivered: number;
  /** Ids retried and not yet seen again. */
  awaitingRedelivery: Set<string>;
  /** Probe tokens whose batch has been handled. */
  settledProbes: Set<string>;
}

const KEY = Symbol.for('conversa.queueActivity');

export function queueActivity(): Activity {
  const g = globalThis as unknown as Record<symbol, Activity | undefined>;
  return (g[KEY] ??= { inFlight: 0, delivered: 0, awaitingRedelivery: new Set(), settledProbes: new Set() });
}

function trackedMessage(m: Message<unknown>, a: Activity): Message<unknown> {
  return {
    get id() {
      return m.id;
    },
    get timestamp() {
      return m.timestamp;
    },
    get body() {
      return m.body;
    },
    get attempts() {
      return m.attempts;
    },
    ack: () => m.ack(),
    retry: (options?: QueueRetryOptions) => {
      a.awaitingRedelivery.add(m.id);
      m.retry(options);
    },
  };
}

/** The batch as the consumers see it, noting deliveries and retries; call `done` with the probes it carried. */
export function trackBatch(batch: MessageBatch, enabled: boolean): { batch: MessageBatch; done: (probes: string[]) => void } {
  if (!enabled) return { batch, done: () => {} };
  const a = queueActivity();
  a.inFlight++;
  for (const m of batch.messages) {
    a.awaitingRedelivery.delete(m.id);
    if ((m.body as { type?: unknown } | null)?.type !== 'queue.probe') a.delivered++;
  }
  const messages = batch.messages.map((m) => trackedMessage(m, a));
  const tracked: MessageBatch = {
    queue: batch.queue,
    metadata: batch.metadata,
    messages,
    ackAll: () => batch.ackAll(),
    retryAll: (options?: QueueRetryOptions) => {
      for (const m of batch.messages) a.awaitingRedelivery.add(m.id);
      batch.retryAll(options);
    },
  };
  let finished = false;
  return {
    batch: tracked,
    done: (probes) => {
      if (finished) return;
      finished = true;
      for (const t of probes) a.settledProbes.add(t);
      a.inFlight--;
    },
  };
}
