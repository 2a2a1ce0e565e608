// GET /health: liveness plus a real database round trip (503 with the reason when it fails), and the dead letters
// parked in R2 waiting for the database.
import { createRoute } from '@hono/zod-openapi';
import { checkHealth } from '../domain/health';
import { database } from '../middleware/database';
import { openapi, type ApiApp } from '../openapi/route';
import { ErrorSchema, json } from '../openapi/responses';
import { Health } from '../schemas/ops';
import { VERSION } from '../version';

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Meta'],
  summary: 'Liveness and a database round trip',
  security: [],
  middleware: [database],
  responses: {
    200: json(Health, 'Up, database reachable'),
    503: json(Health, 'The database is unreachable (the reason says why)'),
    default: json(ErrorSchema, 'Unexpected error (500), same body'),
  },
});

export function registerHealth(app: ApiApp) {
  openapi(app, route, async (c) => {
    const health = await checkHealth(c.env, c.var.db);
    if (health.ok) return c.json({ status: 'ok' as const, db: 'ok' as const, version: VERSION, deadLetters: health.deadLetters }, 200);
    c.var.log.warn('health: database unreachable', { reason: health.reason });
    return c.json({ status: 'error' as const, db: 'unreachable' as const, version: VERSION, reason: health.reason, deadLetters: health.deadLetters }, 503);
  });
}
