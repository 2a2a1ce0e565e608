// Every metric Conversa exposes at GET /metrics: name, type, help, label names and (histograms) buckets. Names follow
// Prometheus/prom-client conventions (`_total` counters, `_seconds` durations, base units) under the `conversa_`
// prefix, so an existing dashboard built on `*_http_request_duration_seconds`, `*_queue_backlog`, … fits.
// Labels carry only bounded values: matched route patterns (never raw URLs), status codes, queue names, ids — never
// phone numbers or tenant names.

/** prom-client's defaults plus 2 s, where the latency alert sits. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10] as const;
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100] as const;
const BATCH_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const QUEUE_WAIT_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900] as const;

interface Base {
  help: string;
  labels: readonly string[];
  /** Computed by the scrape itself (database, R2, queue bindings), never recorded by the isolates. */
  scrape?: true;
}
export type MetricDef =
  | (Base & { type: 'counter' })
  | (Base & { type: 'histogram'; buckets: readonly number[] })
  /** `last`: the newest value reported wins; `sum`: each source (e.g. one realtime room) reports its own, summed. */
  | (Base & { type: 'gauge'; aggregate: 'last' | 'sum' });

export const METRICS = {
  conversa_http_requests_total: { type: 'counter', help: 'HTTP requests by matched route pattern, method and status.', labels: ['route', 'method', 'status'] },
  conversa_http_request_duration_seconds: {
    type: 'histogram',
    help: 'HTTP request duration by matched route pattern (until the response is returned).',
    labels: ['route'],
    buckets: LATENCY_BUCKETS,
  },
  conversa_webhook_requests_total: {
    type: 'counter',
    help: 'Webhook deliveries received (POST) by provider and result: accepted (queued, 200), unauthorized, bad_request, too_large, enqueue_failed, error.',
    labels: ['provider', 'result'],
  },
  conversa_webhook_processing_duration_seconds: {
    type: 'histogram',
    help: 'Time to acknowledge a webhook delivery (verify + enqueue, no database) by provider.',
    labels: ['provider'],
    buckets: LATENCY_BUCKETS,
  },
  conversa_ingest_batch_size: { type: 'histogram', help: 'Webhook bodies per ingest consumer batch.', labels: [], buckets: BATCH_SIZE_BUCKETS },
  conversa_ingest_batch_duration_seconds: {
    type: 'histogram',
    help: 'Time the ingest consumer takes for a batch of webhook bodies (parse, route, store, fan-out).',
    labels: [],
    buckets: BATCH_DURATION_BUCKETS,
  },
  conversa_queue_messages_consumed_total: { type: 'counter', help: 'Queue messages delivered to a consumer (redeliveries included).', labels: ['queue'] },
  conversa_queue_wait_seconds: {
    type: 'histogram',
    help: 'Age of a message when its consumer receives it (time since it was first enqueued).',
    labels: ['queue'],
    buckets: QUEUE_WAIT_BUCKETS,
  },
  conversa_queue_backlog: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Messages waiting in the queue: read from the queue binding at scrape time when it answers, else as the last consumer batch saw it.',
    labels: ['queue'],
  },
  conversa_queue_oldest_age_seconds: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Age of the oldest message still waiting in the queue (0 when empty); same sources as conversa_queue_backlog.',
    labels: ['queue'],
  },
  conversa_worker_jobs_failed_total: {
    type: 'counter',
    help: 'Queue deliveries that failed: retried with backoff, or sent to the dead-letter queue at once.',
    labels: ['queue'],
  },
  conversa_dead_letters_total: { type: 'counter', help: 'Messages received by the dead-letter consumer, by their original queue.', labels: ['queue'] },
  conversa_dead_letters_unresolved: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Dead letters in the dead_letters table not replayed yet, by original queue (read at scrape time).',
    labels: ['queue'],
    scrape: true,
  },
  conversa_dead_letters_parked: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Dead letters parked in R2 waiting for the database (read at scrape time).',
    labels: [],
    scrape: true,
  },
  conversa_messages_stored_total: { type: 'counter', help: 'WhatsApp messages written to the database by direction.', labels: ['direction'] },
  conversa_outbound_sends_total: { type: 'counter', help: 'Outbound send attempts by result: sent, failed (final), retry.', labels: ['result'] },
  conversa_graph_api_errors_total: {
    type: 'counter',
    help: "Errors answered by the WhatsApp Graph API by Meta's error code (network: no answer).",
    labels: ['code'],
  },
  conversa_websocket_connections: {
    type: 'gauge',
    aggregate: 'sum',
    help: 'Open WebSocket connections by room kind (conversation, inbox), as the rooms report them.',
    labels: ['room'],
  },
  conversa_websocket_events_sent_total: { type: 'counter', help: 'Realtime events sent over WebSockets by room kind.', labels: ['room'] },
  conversa_channel_connected: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Active channels: 1 when connected (Meta Cloud API channels always; Evolution when its instance is "open"), else 0.',
    labels: ['channel_id', 'organization_id', 'provider'],
    scrape: true,
  },
  conversa_channel_last_inbound_age_seconds: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Seconds since the channel last received a customer message or (Evolution) any event; absent before the first.',
    labels: ['channel_id', 'organization_id', 'provider'],
    scrape: true,
  },
  conversa_channel_silent: {
    type: 'gauge',
    aggregate: 'last',
    help: 'Evolution channels "open" yet silent for longer than their own silentAfterMinutes: 1, else 0.',
    labels: ['channel_id', 'organization_id', 'provider'],
    scrape: true,
  },
  conversa_database_up: { type: 'gauge', aggregate: 'last', help: 'Whether the scrape could read the database (1) or not (0).', labels: [], scrape: true },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;
type OfType<T extends MetricDef['type']> = { [K in MetricName]: (typeof METRICS)[K]['type'] extends T ? K : never }[MetricName];
export type CounterName = OfType<'counter'>;
export type HistogramName = OfType<'histogram'>;
export type GaugeName = OfType<'gauge'>;
export type LabelsOf<N extends MetricName> = { [L in (typeof METRICS)[N]['labels'][number]]: string };

export const definition = (name: string): MetricDef | undefined => (METRICS as Record<string, MetricDef>)[name];

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** The series key, in exposition syntax: `name{a="x",b="y"}` with labels in catalog order (just `name` without). */
export function seriesKey(name: MetricName, labels: Record<string, string>): string {
  const names = METRICS[name].labels as readonly string[];
  if (names.length === 0) return name;
  return `${name}{${names.map((l) => `${l}="${escapeLabel(String(labels[l] ?? ''))}"`).join(',')}}`;
}

/** `name{a="x"}` → its metric name. */
export const nameOf = (key: string) => {
  const i = key.indexOf('{');
  return i < 0 ? key : key.slice(0, i);
};

/** Adds a label to a series key (histogram buckets get `le`). */
export function withLabel(key: string, suffix: string, label: string, value: string): string {
  const name = nameOf(key) + suffix;
  const i = key.indexOf('{');
  const existing = i < 0 ? '' : key.slice(i + 1, -1);
  return `${name}{${existing ? `${existing},` : ''}${label}="${escapeLabel(value)}"}`;
}

/** A queue's logical name (ingest, media, outbound, dlq) from its deployed name (`conversa-ingest`, maybe suffixed). */
export function queueLabel(queue: string): string {
  for (const q of ['ingest', 'media', 'outbound', 'dlq']) if (queue.startsWith(`conversa-${q}`)) return q;
  return 'other';
}
