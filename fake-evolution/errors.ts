// Evolution's error answers, always `{ status, error: <reason phrase>, response: { message } }` (NestJS-style
// exceptions in its router), and the few messages Conversa's client reacts to.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface EvolutionErrorBody {
  status: number;
  error: string;
  response: { message: unknown };
}

export const errorBody = (status: number, message: unknown): EvolutionErrorBody =>
  ({ status, error: REASON[status] ?? 'Error', response: { message } });

/** Thrown by route code; the app's error handler answers with Evolution's shape. */
export class EvolutionHttpError extends Error {
  constructor(readonly status: number, readonly detail: unknown) {
    super(`${status} ${JSON.stringify(detail)}`);
  }
}

export const badRequest = (...messages: unknown[]) => new EvolutionHttpError(400, messages);
export const notFound = (instanceName: string) => new EvolutionHttpError(404, [`The "${instanceName}" instance does not exist`]);
export const connectionClosed = () => badRequest('Connection Closed');
/** Evolution's JSON-schema validator wording. */
export const requiresProperty = (name: string) => badRequest(`instance requires property "${name}"`);

export function sendError(c: Context, status: number, body: unknown) {
  return c.json(body, status as ContentfulStatusCode);
}
