// One way to reach Postgres everywhere: the Neon serverless driver over WebSocket. In production it talks to
// Neon; locally DB_WS_PROXY points it at scripts/lib/ws-proxy.ts in front of the embedded or installed Postgres.
import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from './schema';

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface DbConfig {
  url: string;
  /** `host:port/path` of a local WebSocket→TCP proxy; unset in production. */
  wsProxy?: string;
  /** Node has no global WebSocket on 20; workerd does. */
  webSocketConstructor?: unknown;
  connectionTimeoutMillis?: number;
}

function configureDriver(cfg: DbConfig) {
  if (cfg.webSocketConstructor) neonConfig.webSocketConstructor = cfg.webSocketConstructor as typeof WebSocket;
  if (cfg.wsProxy) {
    const proxy = cfg.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    // Pipelining the startup confuses plain Postgres' SASL exchange ("invalid SASL authentication mechanism").
    neonConfig.pipelineConnect = false;
  }
}

/** A pool opens no connection until the first query, so creating one per request costs nothing. */
export function createDb(cfg: DbConfig): { db: Db; pool: Pool } {
  configureDriver(cfg);
  const pool = new Pool({
    connectionString: cfg.url,
    connectionTimeoutMillis: cfg.connectionTimeoutMillis ?? 5_000,
    ...(cfg.wsProxy ? { ssl: false } : {}),
  });
  // An idle client's socket error must not crash the isolate; the next query reports it.
  pool.on('error', () => {});
  return { db: drizzle({ client: pool, schema }), pool };
}
