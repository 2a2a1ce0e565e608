// Declares a route once: its createRoute config feeds the OpenAPI document and the validators, and its handler is
// typed from it (params, query, body, and the responses it may answer).
//
// Validation goes through middleware/validate.ts rather than OpenAPIHono's own wiring: that keeps the API's answers
// as they were — a JSON route given a text/plain body is a 400 `validation_failed` (the auth contract tests say so),
// where @hono/zod-openapi's media-type gate would answer 415 — and the NUL check stays in one place.
import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { validate } from '../middleware/validate';
import { checkResponse } from './response-check';

export type ApiApp = OpenAPIHono<AppEnv>;

const isZod = (s: unknown): s is z.ZodType => !!s && typeof (s as z.ZodType).safeParse === 'function';

/**
 * `raw`: the handler reads the request itself — webhooks, whose signature covers the body's exact bytes and whose
 * answers to bad input are their own — so the declaration documents the request without validating it.
 */
export function openapi<R extends RouteConfig>(app: ApiApp, route: R, handler: RouteHandler<R, AppEnv>, opts: { raw?: boolean } = {}) {
  // Middleware runs before the handler; it is not part of the document (as in OpenAPIHono's own openapi()).
  const { middleware: _middleware, ...documented } = route;
  app.openAPIRegistry.registerPath(documented);
  const validators: unknown[] = [];
  const body = (route.request?.body?.content['application/json'] as { schema?: unknown } | undefined)?.schema;
  if (!opts.raw) {
    if (route.request?.params) validators.push(validate('param', route.request.params as z.ZodType));
    if (route.request?.query) validators.push(validate('query', route.request.query as z.ZodType));
    if (isZod(body)) validators.push(validate('json', body));
  }
  const path = route.path.replaceAll(/\/{(.+?)}/g, '/:$1');
  const middleware = [route.middleware ?? []].flat() as MiddlewareHandler<AppEnv>[];
  app.on(route.method.toUpperCase(), path, checkResponse(route), ...middleware, ...(validators as MiddlewareHandler<AppEnv>[]), handler as unknown as MiddlewareHandler<AppEnv>);
}
