// GET /metrics: the Prometheus exposition of the whole deployment (the MetricsHub's series plus gauges read now),
// for operators only: `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. Without METRICS_TOKEN
// configured the endpoint answers 503 `metrics_disabled` (never open): the operator sees why the target is down.
import { createRoute, z } from '@hono/zod-openapi';
import { errorBody } from '../errors';
import { sameSecret } from '../lib/same-secret';
import { createDb } from '../db/client';
import { CONTENT_TYPE, render } from '../metrics/exposition';
import { flushNow, HUB_NAME } from '../metrics/recorder';
import { scrapeGauges } from '../metrics/scrape';
import { openapi, type ApiApp } from '../openapi/route';
import { ErrorSchema, json } from '../openapi/responses';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics (operators)',
  description:
    'Prometheus text exposition format 0.0.4, aggregated across isolates. Authenticated by the `METRICS_TOKEN` secret ' +
    'as a Bearer token (not a user token or API key). docs/operations.md lists the metrics and alerts.',
  security: [{ metricsToken: [] }],
  responses: {
    200: { description: 'The exposition', content: { 'text/plain': { schema: z.string() } } },
    401: json(ErrorSchema, 'Missing or wrong METRICS_TOKEN'),
    503: json(ErrorSchema, 'METRICS_TOKEN is not configured: metrics are disabled'),
    default: json(ErrorSchema, 'Unexpected error (500), same body'),
  },
});

export function registerMetrics(app: ApiApp) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The METRICS_TOKEN secret (operators and the Prometheus scraper only).',
  });
  openapi(app, route, async (c) => {
    const expected = c.env.METRICS_TOKEN ?? '';
    if (!expected) return c.json(errorBody('metrics_disabled', 'METRICS_TOKEN is not configured'), 503);
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!(await sameSecret(presented, expected))) {
      return c.json(errorBody('unauthorized', 'A valid metrics token is required'), 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    // This isolate's last second first, so what this very isolate recorded is in the answer.
    await flushNow(c.env);
    const hub = c.env.METRICS.get(c.env.METRICS.idFromName(HUB_NAME));
    // Its own connection (the route is outside /api, whose middleware opens one), closed after the answer.
    const { db, pool } = createDb({ url: c.env.DATABASE_URL, wsProxy: c.env.DB_WS_PROXY });
    try {
      const [snapshot, gauges] = await Promise.all([hub.snapshot(), scrapeGauges(c.env, db)]);
      return c.text(render(snapshot, gauges), 200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' });
    } finally {
      c.executionCtx.waitUntil(pool.end().catch(() => {}));
    }
  });
}
