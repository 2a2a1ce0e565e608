// Rate limits on the Workers rate-limiting binding: counters shared across isolates, here and in production.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Env } from '../env';
import { ApiError } from '../errors';
import { verifyAccessToken } from '../auth/tokens';
import { clientIp } from './client';
import { looksLikeApiKey } from '../auth/api-key-format';

const PERIOD_SECONDS = 60; // Both bindings in wrangler.toml count per minute.

export async function enforceLimit(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new ApiError(429, 'rate_limited', 'Too many requests; try again in a minute', {
      'Retry-After': String(PERIOD_SECONDS),
    });
  }
}

/** `key` may answer null: this request is counted elsewhere. */
export function rateLimit(pick: (env: Env) => RateLimit, key: (c: Context<AppEnv>) => string | null | Promise<string | null>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const k = await key(c);
    if (k !== null) await enforceLimit(pick(c.env), k);
    await next();
  });
}

/**
 * Signed-in callers are counted per user (an office of agents shares one IP); anyone else per IP. Only a token
 * whose signature verifies picks the user key, so made-up tokens cannot dodge the IP limit.
 */
export const apiRateLimit = rateLimit(
  (env) => env.API_RATE_LIMITER,
  async (c) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    // API keys are counted per key once looked up (middleware/api-key-auth.ts), unknown ones per IP there.
    if (token && looksLikeApiKey(token) && c.req.path.startsWith('/api/v1/') && !/^\/api\/v1\/(auth|invitations)\//.test(c.req.path)) return null;
    const claims = token ? await verifyAccessToken(c.env.JWT_SECRET, token) : null;
    return claims ? `user:${claims.sub}` : `ip:${clientIp(c)}`;
  },
);
export const authIpRateLimit = rateLimit((env) => env.AUTH_RATE_LIMITER, (c) => `ip:${clientIp(c)}`);
