// Tests only (APP_ENV=test): every answer of a declared route must be one its OpenAPI declaration lists — a declared
// status (or `default`), and for JSON a body its schema accepts. A mismatch becomes a loud 500
// `response_schema_mismatch` naming the difference, so the route's own tests fail the day the code and the document
// part ways. Production answers are left alone (no cost, no risk).
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { errorBody } from '../errors';

type Declared = { content?: Record<string, { schema?: unknown }> };

export function checkResponse(route: RouteConfig): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.env.APP_ENV !== 'test' || c.res.status === 101) return;
    const status = c.res.status;
    const responses = route.responses as Record<string, Declared | undefined>;
    const declared = responses[String(status)] ?? (status >= 400 ? responses.default : undefined);
    const where = `${route.method.toUpperCase()} ${route.path} answered ${status}`;
    if (!declared) return fail(c, `${where}, which its OpenAPI declaration does not list`);
    const schema = declared.content?.['application/json']?.schema as z.ZodType | undefined;
    if (!schema || !(c.res.headers.get('content-type') ?? '').includes('application/json')) return;
    const body: unknown = await c.res.clone().json();
    const result = schema.safeParse(body);
    if (!result.success) {
      const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return fail(c, `${where} with a body its schema does not accept: ${issues}`);
    }
  };
}

function fail(c: Parameters<MiddlewareHandler<AppEnv>>[0], message: string) {
  c.var.log?.error('response does not match its OpenAPI declaration', { message });
  console.error(`[openapi] ${message}`);
  c.res = undefined;
  c.res = Response.json(errorBody('response_schema_mismatch', message), { status: 500 });
}
