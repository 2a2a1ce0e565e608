// The endpoints a browser authenticates with the refresh cookie alone (refresh, logout, switch-organization) are
// the ones a forged cross-site request could use. Two checks: a body must be declared JSON (an HTML form or a
// `text/plain` fetch cannot do that without a CORS preflight, which other origins do not pass) — an API client may
// also send no body at all — and a browser's Origin, which browsers send on every cross-site POST, must be the web
// app's (APP_URL, comma-separated for several) or the API's own.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { appOrigins } from '../lib/origins';

function trustedOrigins(appUrl: string | undefined, requestUrl: string): string[] {
  return [...appOrigins(appUrl), new URL(requestUrl).origin];
}

export const cookieGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type');
  const empty = type === undefined && (c.req.header('content-length') ?? '0') === '0' && !c.req.header('transfer-encoding');
  if (!empty && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request as JSON (Content-Type: application/json)');
  }
  const origin = c.req.header('origin');
  if (origin !== undefined && !trustedOrigins(c.env.APP_URL, c.req.url).includes(origin)) {
    throw new ApiError(403, 'forbidden_origin', 'Requests from this origin are not accepted');
  }
  await next();
};
