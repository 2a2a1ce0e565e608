// What the Graph API routes share: the version prefix, the app's types, Meta-shaped error responses, and the
// access-token check every Graph endpoint starts with.
import type { Context, Hono } from 'hono';
import { invalidTokenError, type GraphErrorResponse } from './errors';
import { tokenKnown, type FakeMetaState, type RecordedRequest } from './state';

export type GraphEnv = { Variables: { record: RecordedRequest } };
export type GraphApp = Hono<GraphEnv>;

/** Path prefix matching any Graph version ("v21.0", "v23.0" …): clients pin versions, the fake accepts them all. */
export const VERSION = ':version{v[0-9]+\\.[0-9]+}';
export const VERSIONED_PATH = /^\/v\d+\.\d+\//;

export function sendGraphError(c: Context, err: GraphErrorResponse): Response {
  return c.json(err.body, err.status, err.headers);
}

/** The access token, from `Authorization: Bearer …` or `?access_token=` (Graph accepts both). */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() || c.req.query('access_token') || undefined;
}

/** A known token, or the 401 Meta answers for anything else (missing, malformed, unknown). */
export function authenticate(c: Context, state: FakeMetaState): { token: string } | { error: Response } {
  const token = bearerToken(c);
  if (!token || !tokenKnown(state, token)) return { error: sendGraphError(c, invalidTokenError()) };
  return { token };
}
