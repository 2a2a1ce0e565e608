// The Evolution API v2 REST surface as one Hono app: the `apikey` check (the global key, or an instance's own token
// on that instance's routes), configured latency and forced failures, then the instance, webhook, message and chat
// routes. Every error answers in Evolution's `{ status, error, response: { message } }` shape.
import { Hono } from 'hono';
import { errorBody, EvolutionHttpError, sendError } from './errors';
import { registerInstanceRoutes } from './instance-routes';
import { registerMessageRoutes } from './message-routes';
import { sleep, type FakeEvolutionState, type Instance } from './state';

/** The instance a per-instance route names (its last path segment), if it exists. */
function instanceOfPath(state: FakeEvolutionState, path: string): Instance | undefined {
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  try {
    return state.instances.get(decodeURIComponent(last));
  } catch {
    return undefined;
  }
}

export function createApiApp(state: FakeEvolutionState): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof EvolutionHttpError) return sendError(c, err.status, errorBody(err.status, err.detail));
    console.error('[fake-evolution] api error:', err);
    return sendError(c, 500, errorBody(500, [err instanceof Error ? err.message : String(err)]));
  });

  app.use('*', async (c, next) => {
    await sleep(state, state.config.latencyMs);
    const key = c.req.header('apikey');
    const inst = instanceOfPath(state, c.req.path);
    if (!key || (key !== state.config.apiKey && key !== inst?.token)) return sendError(c, 401, errorBody(401, 'Unauthorized'));
    const i = state.failures.findIndex((f) => c.req.path.startsWith(f.path) && (!f.instance || f.instance === inst?.name));
    const failure = state.failures[i];
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) state.failures.splice(i, 1);
      return sendError(c, failure.status, failure.body ?? errorBody(failure.status, ['Forced failure (fake Evolution)']));
    }
    await next();
  });

  registerInstanceRoutes(app, state);
  registerMessageRoutes(app, state);

  app.notFound((c) => sendError(c, 404, errorBody(404, [`Cannot ${c.req.method} ${c.req.path}`])));
  return app;
}
