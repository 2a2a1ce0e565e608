// The app's onError: ApiError and Hono's own HTTPExceptions become the JSON error shape; anything else is logged
// and answered 500 without details.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env';
import { ApiError, errorBody } from '../errors';
import { errorFields, rootMessage } from '../lib/log';

export function handleError(err: Error, c: Context<AppEnv>) {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    // Hono raises these for malformed bodies and size limits; keep our shape.
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'payload_too_large' : status === 400 ? 'bad_request' : 'http_error';
    return c.json(errorBody(code, err.message || 'Request failed'), status);
  }
  c.get('log')?.error('unhandled error', { ...errorFields(err), cause: rootMessage(err) });
  return c.json(errorBody('internal_error', 'Something went wrong; the error was logged'), 500);
}
