import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { REFRESH_TOKEN_TTL_SECONDS } from './tokens';

const NAME = 'conversa_refresh';
// Sent only to the auth routes, never readable by scripts.
const PATH = '/api/v1/auth';

export function setRefreshCookie(c: Context, token: string) {
  setCookie(c, NAME, token, {
    httpOnly: true,
    secure: new URL(c.req.url).protocol === 'https:',
    sameSite: 'Lax',
    path: PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

export function clearRefreshCookie(c: Context) {
  deleteCookie(c, NAME, { path: PATH });
}

export function readRefreshCookie(c: Context): string | undefined {
  return getCookie(c, NAME);
}
