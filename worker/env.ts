import type { ConversationRoom } from '../durable-objects/conversation';
import type { OrgInbox } from '../durable-objects/inbox';
import type { ChannelThrottle } from '../durable-objects/channel-throttle';
import type { MetricsHub } from '../durable-objects/metrics';
import type { Db } from './db/client';
import type { Actor } from './auth/actor';
import type { Logger } from './lib/log';

/** Bindings declared in wrangler.toml (vars, secrets, queues, Durable Objects, R2). */
export interface Env {
  APP_ENV: string;
  /** Base of the queue consumers' exponential backoff, in seconds (default 2; tests use 0). */
  QUEUE_RETRY_BASE_SECONDS?: string;
  /** How long a consumer waits for a database that was just down before retrying its batch (default 30). */
  QUEUE_DB_WAIT_SECONDS?: string;
  /** debug | info | warn | error | silent (default info; tests use silent, LOG_LEVEL=warn npm test to see logs). */
  LOG_LEVEL?: string;
  /** '1': the ingest consumer logs one `ingest.timing` line per batch (bench/ingest.ts reads them). */
  INGEST_TIMING_LOG?: string;
  /** Organisations of an ingest batch stored at once, each on its own connection (default 4). */
  INGEST_ORG_CONCURRENCY?: string;
  /** Neon connection string (secret in production; set by `npm run dev` / tests locally). */
  DATABASE_URL: string;
  /** Local only: `host:port/v1` of the WebSocket→TCP proxy in front of a local Postgres. */
  DB_WS_PROXY?: string;
  META_APP_SECRET: string;
  META_VERIFY_TOKEN: string;
  META_GRAPH_BASE_URL: string;
  /** How long a Graph send may take before it is abandoned, in ms (default 15000, worker/whatsapp/graph.ts). */
  GRAPH_TIMEOUT_MS?: string;
  /** Evolution API server for QR-connected numbers (worker/whatsapp/evolution.ts) and its global key (a secret). */
  EVOLUTION_API_URL?: string;
  EVOLUTION_API_KEY?: string;
  /** Derives each Evolution channel's webhook secret header (worker/webhooks/evolution-secret.ts); a secret. */
  EVOLUTION_WEBHOOK_KEY?: string;
  /** Where Evolution posts webhooks: this worker's public origin (default: the origin of the request creating the channel). */
  WEBHOOK_BASE_URL?: string;
  /** Tests only: the local fake Evolution's control API. */
  FAKE_EVOLUTION_URL?: string;
  /** Tests only: the local receiver of outgoing webhooks (scripts/lib/webhook-sink.ts). */
  WEBHOOK_SINK_URL?: string;
  /** Tests only: the local fake Meta's control API. */
  FAKE_META_URL?: string;
  JWT_SECRET: string;
  ENCRYPTION_KEY: string;
  /** Keys that sealed older secrets, comma-separated: still opened, re-sealed by `npm run secrets:rotate`. */
  ENCRYPTION_KEYS_PREVIOUS?: string;
  /** Master keys wrapping each organisation's data keys (issue 21 §4): "id:base64,idOld:base64", first = current. */
  ENCRYPTION_MASTER_KEYS?: string;
  /** Origin of the web app; links in e-mails point there. */
  APP_URL: string;
  MAIL_PROVIDER: 'http' | 'outbox';
  MAIL_API_BASE_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM: string;
  API_RATE_LIMITER: RateLimit;
  AUTH_RATE_LIMITER: RateLimit;
  INGEST_QUEUE: Queue;
  /** Inbound media downloads (media.fetch), apart from the messages. */
  MEDIA_QUEUE: Queue;
  OUTBOUND_QUEUE: Queue;
  /** Consumers send here what will never succeed, with its reason (queues/retry.ts). */
  DEAD_LETTER_QUEUE: Queue;
  /** LGPD access-request exports, one step per message (queues/data-export.ts). */
  DATA_EXPORT_QUEUE: Queue;
  CONVERSATION_ROOM: DurableObjectNamespace<ConversationRoom>;
  ORG_INBOX: DurableObjectNamespace<OrgInbox>;
  CHANNEL_THROTTLE: DurableObjectNamespace<ChannelThrottle>;
  /** The one MetricsHub ("global"): counters and histograms of every isolate, read by GET /metrics. */
  METRICS: DurableObjectNamespace<MetricsHub>;
  /** Bearer token Prometheus presents at GET /metrics (a secret; unset: /metrics answers 503). */
  METRICS_TOKEN?: string;
  MEDIA: R2Bucket;
}

export interface AppVariables {
  requestId: string;
  log: Logger;
  /** Per-request database handle; no connection is opened until the first query. */
  db: Db;
  /** Set by the authenticate middleware: who is calling, in which organisation, with which role. */
  actor: Actor;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
