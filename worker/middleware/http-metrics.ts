// Counts every request by the route pattern Hono matched (`/api/v1/conversations/:id`, never the raw URL, so the
// number of series stays bounded; `unmatched` for a 404 no route took) and times it; webhook deliveries also by
// provider and result. Recording is in memory: the flush to the MetricsHub runs after the response, via waitUntil.
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { flushMetrics, inc, observe, waitUntilOf } from '../metrics/recorder';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const WEBHOOKS: Record<string, string> = { '/webhooks/whatsapp': 'meta', '/webhooks/evolution/:channelId': 'evolution' };

/** The pattern of the handler that answered (middleware are registered as ALL), or `unmatched`. */
export function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}

function webhookResult(status: number): string {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 400 || status === 422) return 'bad_request';
  if (status === 413) return 'too_large';
  if (status === 503) return 'enqueue_failed';
  return 'error';
}

export const httpMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  try {
    await next();
  } finally {
    const seconds = (Date.now() - started) / 1000;
    const route = routeLabel(c);
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    const status = c.res.status;
    inc('conversa_http_requests_total', { route, method, status: String(status) });
    observe('conversa_http_request_duration_seconds', { route }, seconds);
    const provider = WEBHOOKS[route];
    if (provider && method === 'POST') {
      inc('conversa_webhook_requests_total', { provider, result: webhookResult(status) });
      observe('conversa_webhook_processing_duration_seconds', { provider }, seconds);
    }
    const waitUntil = waitUntilOf(() => c.executionCtx);
    if (waitUntil) flushMetrics(c.env, waitUntil);
  }
});
