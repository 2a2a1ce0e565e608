// /api/v1/auth: sign-up, log-in, refresh (rotating), log-out, log-out everywhere, who am I, switch organisation.
// The password reset is in password-reset.ts.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { clearRefreshCookie, readRefreshCookie } from '../auth/cookie';
import { deliverTokens } from '../auth/token-delivery';
import { logIn, logOut, logOutEverywhere, refreshLogin, signupAndLogIn, switchOrganization, whoAmI } from '../domain/sessions';
import { unauthorized } from '../errors';
import { authenticate } from '../middleware/auth';
import { clientMeta } from '../middleware/client';
import { cookieGuard } from '../middleware/cookie-guard';
import { authIpRateLimit, enforceLimit } from '../middleware/rate-limit';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody, noContent } from '../openapi/responses';
import { loginBody, MeResponse, refreshBody, signupBody, switchOrganizationBody, TokenResponse } from '../schemas/auth';

const tags = ['Auth'];
/** Documented, not validated: API clients that keep the refresh token themselves ask for it in the body. */
const tokenInBody = z.object({
  'x-refresh-token-in-body': z.enum(['true']).optional().meta({ description: 'Also return the refresh token in the body (API clients; never with the cookie)' }),
});
/** The refresh token comes in the body or in the httpOnly cookie (browsers); the body may be left out. */
const refreshRequest = { headers: tokenInBody, body: { content: { 'application/json': { schema: refreshBody } }, required: false } };
const byCookieOrBody: Record<string, string[]>[] = [{ refreshCookie: [] }, {}];

export function registerAuth(app: ApiApp) {
  registerLogin(app);
  registerSession(app);
  registerAccount(app);
}

function registerLogin(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/signup',
      tags,
      summary: 'Create an account and its organisation, logged in as its admin',
      security: [],
      middleware: [authIpRateLimit],
      request: { headers: tokenInBody, ...jsonBody(signupBody) },
      responses: { 201: json(TokenResponse, 'Signed up; the refresh token is set as a cookie'), ...errors(409) },
    }),
    async (c) => {
      const result = await signupAndLogIn(c.var.db, c.env.JWT_SECRET, c.req.valid('json'), clientMeta(c));
      return c.json(deliverTokens(c, result), 201);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/login',
      tags,
      summary: 'Log in (to the first organisation, or the one asked for)',
      security: [],
      middleware: [authIpRateLimit],
      request: { headers: tokenInBody, ...jsonBody(loginBody) },
      responses: { 200: json(TokenResponse, 'Logged in; the refresh token is set as a cookie'), ...errors(404) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      // Per account too, so a botnet spread over many IPs still cannot guess one password quickly.
      await enforceLimit(c.env.AUTH_RATE_LIMITER, `email:${body.email}`);
      return c.json(deliverTokens(c, await logIn(c.var.db, c.env.JWT_SECRET, body, clientMeta(c))), 200);
    },
  );
}

function registerSession(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/refresh',
      tags,
      summary: 'Trade the refresh token for a new pair (rotating; a reused token ends the login)',
      security: byCookieOrBody,
      middleware: [cookieGuard],
      request: refreshRequest,
      responses: { 200: json(TokenResponse, 'A new pair; the new refresh token replaces the cookie'), ...errors(415) },
    }),
    async (c) => {
      const presented = c.req.valid('json').refreshToken;
      const token = presented ?? readRefreshCookie(c);
      if (!token) throw unauthorized('No refresh token', 'invalid_refresh_token');
      const refreshed = await refreshLogin(c.var.db, c.env.JWT_SECRET, token, clientMeta(c));
      if (!refreshed.ok) {
        clearRefreshCookie(c);
        throw refreshed.error;
      }
      return c.json(deliverTokens(c, refreshed.result, { presentedInBody: presented !== undefined }), 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/auth/logout', tags, summary: 'End this login', security: byCookieOrBody, middleware: [cookieGuard], request: refreshRequest, responses: { ...noContent, ...errors(415) } }),
    async (c) => {
      await logOut(c.var.db, c.req.valid('json').refreshToken ?? readRefreshCookie(c), clientMeta(c));
      clearRefreshCookie(c);
      return c.body(null, 204);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/auth/logout-all', tags, summary: 'End every login of this account', middleware: [authenticate], responses: { ...noContent, ...errors() } }),
    async (c) => {
      await logOutEverywhere(c.var.db, c.var.actor);
      clearRefreshCookie(c);
      return c.body(null, 204);
    },
  );
}

function registerAccount(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/auth/me', tags, summary: 'The caller, their role and organisations', middleware: [authenticate], responses: { 200: json(MeResponse, 'Who is calling'), ...errors() } }),
    async (c) => c.json(await whoAmI(c.var.db, c.var.actor), 200),
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/auth/switch-organization',
      tags,
      summary: 'Act in another organisation: this login ends, a new one starts there',
      middleware: [cookieGuard, authenticate],
      request: { headers: tokenInBody, ...jsonBody(switchOrganizationBody) },
      responses: { 200: json(TokenResponse, 'Logged in to the organisation'), ...errors(404, 415) },
    }),
    async (c) => {
      const result = await switchOrganization(c.var.db, c.env.JWT_SECRET, c.var.actor, c.req.valid('json').organizationId, clientMeta(c));
      return c.json(deliverTokens(c, result), 200);
    },
  );
}
