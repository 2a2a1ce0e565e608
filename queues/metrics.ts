// What the consumers tell the operator (worker/metrics/catalog.ts): messages consumed and how long they waited, the
// queue's backlog as the batch saw it, failed deliveries (every retry, whoever asks for it) and dead letters.
import { inc, observe, setGauge } from '../worker/metrics/recorder';
import { queueLabel } from '../worker/metrics/catalog';
import { toDeadLetterRow } from './dead-letter';

const isProbe = (m: Message<unknown>) => (m.body as { type?: unknown } | null)?.type === 'queue.probe';

/**
 * Notes the batch's metrics and returns it with `retry`/`retryAll` counted as failed jobs. The backlog gauges come
 * from the batch's metadata (what was still waiting when it was handed out) where the runtime gives it; the scrape
 * reads the queue itself when it can (worker/metrics/scrape.ts), which also covers a queue that went quiet.
 */
export function meterBatch(batch: MessageBatch): MessageBatch {
  const queue = queueLabel(batch.queue);
  const now = Date.now();
  const real = batch.messages.filter((m) => !isProbe(m));
  if (real.length) inc('conversa_queue_messages_consumed_total', { queue }, real.length);
  for (const m of real) observe('conversa_queue_wait_seconds', { queue }, Math.max(0, (now - m.timestamp.getTime()) / 1000));
  const metrics = batch.metadata?.metrics;
  if (metrics && typeof metrics.backlogCount === 'number') {
    setGauge('conversa_queue_backlog', { queue }, metrics.backlogCount);
    const oldest = metrics.oldestMessageTimestamp ? new Date(metrics.oldestMessageTimestamp).getTime() : 0;
    setGauge('conversa_queue_oldest_age_seconds', { queue }, metrics.backlogCount > 0 && oldest > 0 ? Math.max(0, (now - oldest) / 1000) : 0);
  }
  const failed = (n: number) => inc('conversa_worker_jobs_failed_total', { queue }, n);
  const messages = batch.messages.map(
    (m): Message<unknown> => ({
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
        failed(1);
        m.retry(options);
      },
    }),
  );
  return {
    queue: batch.queue,
    metadata: batch.metadata,
    messages,
    ackAll: () => batch.ackAll(),
    retryAll: (options?: QueueRetryOptions) => {
      failed(real.length);
      batch.retryAll(options);
    },
  };
}

/** A consumer gave up on a message at once (queues/retry.ts deadLetterNow): a failed job of its queue. */
export function meterGaveUp(queue: string): void {
  inc('conversa_worker_jobs_failed_total', { queue: queueLabel(queue) });
}

/** Letters reaching the dead-letter consumer, by the queue they came from. */
export function meterDeadLetters(dlq: string, letters: readonly Message<unknown>[]): void {
  for (const m of letters) inc('conversa_dead_letters_total', { queue: queueLabel(toDeadLetterRow(dlq, { id: m.id, body: m.body, attempts: m.attempts }).queue) });
}
