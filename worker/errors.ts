// One error type and one body shape for every failure: { error: { code, message } }. Free of Worker types, so the
// domain modules that throw these can be type-imported by the web app; the Hono handler is middleware/on-error.ts.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message);
export const unauthorized = (message = 'Authentication required', code = 'unauthorized') =>
  new ApiError(401, code, message);
export const forbidden = (message = 'Not allowed', code = 'forbidden') => new ApiError(403, code, message);
export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
