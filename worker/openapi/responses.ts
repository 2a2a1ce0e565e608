// Shared pieces of every route's OpenAPI declaration: the one error body (worker/errors.ts) as a component, JSON
// content, and the error statuses each route can answer. Plain zod (`.meta({ id })` names a component), so the web
// app's typecheck can follow these imports.
import { z } from 'zod';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'snake_case, stable: clients branch on it', example: 'validation_failed' }),
      message: z.string().meta({ description: 'For people; may change' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every failure has this body (worker/errors.ts).' });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body (a missing or non-JSON one is a 400, as everywhere in this API). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const errorResponse = (description: string) => json(ErrorSchema, description);

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input: `validation_failed` names the offending fields',
  401: 'No valid credentials',
  403: 'The role may not do this',
  404: 'Not found — also for another organisation’s ids',
  409: 'Conflicts with the current state (a duplicate, a state that does not allow it)',
  410: 'Gone: the link or resource has expired',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Refers to something that cannot be used here',
  426: 'Expected a WebSocket upgrade',
  429: 'Rate limited: see Retry-After',
  502: 'A provider (Meta, the Evolution server) refused or failed the call it needed',
  503: 'A dependency is unavailable; retry',
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/**
 * The error answers of a route: 400, 401, 403 and 429 everywhere (validation, authentication, the policy and the
 * rate limit apply to every route), the given extra ones, and `default` for anything else (a 500 has the same body).
 */
export function errors(...extra: ErrorStatus[]) {
  const statuses = [...new Set<ErrorStatus>([400, 401, 403, 429, ...extra])];
  return {
    ...Object.fromEntries(statuses.map((s) => [s, errorResponse(ERROR_DESCRIPTIONS[s])])),
    default: errorResponse('Unexpected error (500), same body'),
  } as { [S in ErrorStatus]: ReturnType<typeof errorResponse> } & { default: ReturnType<typeof errorResponse> };
}

export const noContent = { 204: { description: 'Done; no body' } } as const;

/** `{ data, nextCursor }`: every list (DESIGN.md); nextCursor is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const idParam = z.object({ id: z.uuid() });
/** ISO 8601 instant as it leaves JSON.stringify(Date). */
export const instant = z.string().meta({ format: 'date-time' });
