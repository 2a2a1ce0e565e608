// /api/v1/admin/dead-letters: queue messages that exhausted their retries; an admin can look and replay.
// Tenant admins see their organisation's; super admins also see those that belong to no tenant (webhooks).
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../auth/policy';
import { listDeadLetters, replayDeadLetter } from '../domain/dead-letters';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, pageOf } from '../openapi/responses';
import { DeadLetter, DeadLetterReplay, deadLettersQuery } from '../schemas/dead-letters';

const tags = ['Operations'];

export function registerDeadLetters(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/admin/dead-letters',
      tags,
      summary: 'Queue messages that exhausted their retries (admins)',
      request: { query: deadLettersQuery },
      responses: { 200: json(pageOf(DeadLetter), 'Newest first'), ...errors() },
    }),
    async (c) => {
      authorize(c.var.actor, 'dead_letters.manage');
      return c.json(await listDeadLetters(c.var.db, c.var.actor, c.req.valid('query')), 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/admin/dead-letters/{id}/replay',
      tags,
      summary: 'Send a dead letter back to the queue it came from',
      request: { params: idParam },
      responses: { 202: json(DeadLetterReplay, 'Queued again'), ...errors(404, 422) },
    }),
    async (c) => {
      authorize(c.var.actor, 'dead_letters.manage');
      const { id } = c.req.valid('param');
      await replayDeadLetter(c.env, c.var.db, c.var.actor, id);
      return c.json({ status: 'replayed' as const, id }, 202);
    },
  );
}
