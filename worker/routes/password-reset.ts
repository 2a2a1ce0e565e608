// /api/v1/auth/password-reset: ask for a reset link by e-mail, and set a new password with it (public).
import { createRoute } from '@hono/zod-openapi';
import { completePasswordReset } from '../auth/password-reset';
import { queuePasswordReset } from '../domain/sessions';
import { enforceLimit, authIpRateLimit } from '../middleware/rate-limit';
import { clientMeta } from '../middleware/client';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody } from '../openapi/responses';
import { passwordResetConfirmBody, passwordResetRequestBody, ResetRequested, StatusOk } from '../schemas/auth';

const tags = ['Auth'];

export function registerPasswordReset(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/password-reset/request',
      tags,
      summary: 'Mail a reset link (the same answer whether or not the account exists)',
      security: [],
      middleware: [authIpRateLimit],
      request: jsonBody(passwordResetRequestBody),
      responses: { 202: json(ResetRequested, 'Accepted'), ...errors() },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      await enforceLimit(c.env.AUTH_RATE_LIMITER, `reset:${email}`);
      await queuePasswordReset(c.env, email, clientMeta(c));
      return c.json({ status: 'ok' as const, message: 'If an account exists for this e-mail, a reset link was sent.' }, 202);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/password-reset/confirm',
      tags,
      summary: 'Set a new password with the link’s token (ends every session of the account)',
      security: [],
      middleware: [authIpRateLimit],
      request: jsonBody(passwordResetConfirmBody),
      responses: { 200: json(StatusOk, 'Password changed'), ...errors() },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await completePasswordReset(c.var.db, token, password, clientMeta(c));
      return c.json({ status: 'ok' as const }, 200);
    },
  );
}
