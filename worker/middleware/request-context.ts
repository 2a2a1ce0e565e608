// Every request gets a logger carrying its request id and one JSON access-log line.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { createLogger } from '../lib/log';

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const log = createLogger({ requestId: c.get('requestId') }, c.env.LOG_LEVEL);
  c.set('log', log);
  const started = Date.now();
  try {
    await next();
  } finally {
    log.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started });
  }
});
