// A per-request database handle, closed after the response so pooled sockets never outlive the request.
// Mounted only on routes that query: the webhook acknowledgement path never touches the database.
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/client';
import type { AppEnv } from '../env';

export const database = createMiddleware<AppEnv>(async (c, next) => {
  const { db, pool } = createDb({ url: c.env.DATABASE_URL, wsProxy: c.env.DB_WS_PROXY });
  c.set('db', db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(pool.end().catch(() => {}));
  }
});
