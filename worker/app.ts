// The HTTP surface: middleware, one register call per resource router, one error shape.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv } from './env';
import { errorBody, handleError } from './errors';
import { requestContext } from './middleware/request-context';
import { registerHealth } from './routes/health';

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestContext);

  registerHealth(app);

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
