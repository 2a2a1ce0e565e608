// Where a new refresh token goes. Browsers get it only in the httpOnly cookie, so a script injected into the page
// cannot read it; API clients that keep it themselves opt in with `X-Refresh-Token-In-Body: true` (or, on
// refresh, by presenting the token in the body). A request that carries the refresh cookie never gets the token in
// the body, whatever it asks: that is a browser, and the ask may come from an injected script.
import type { Context } from 'hono';
import { readRefreshCookie, setRefreshCookie } from './cookie';

export const BODY_OPT_IN_HEADER = 'x-refresh-token-in-body';

export function deliverTokens<T extends { refreshToken: string }>(c: Context, result: T, opts: { presentedInBody?: boolean } = {}) {
  setRefreshCookie(c, result.refreshToken);
  const asked = opts.presentedInBody || c.req.header(BODY_OPT_IN_HEADER) === 'true';
  if (asked && !readRefreshCookie(c)) return result;
  const { refreshToken: _kept, ...rest } = result;
  return rest;
}
