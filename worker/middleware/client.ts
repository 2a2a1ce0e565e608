import type { Context } from 'hono';

/** Cloudflare sets CF-Connecting-IP at the edge (clients cannot forge it there); locally it is absent. */
export function clientIp(c: Context): string {
  return c.req.header('cf-connecting-ip') ?? '127.0.0.1';
}

export function userAgent(c: Context): string | null {
  return c.req.header('user-agent')?.slice(0, 512) ?? null;
}

/** Where a request came from, for sessions and the audit log. */
export function clientMeta(c: Context): { ip: string; userAgent: string | null } {
  return { ip: clientIp(c), userAgent: userAgent(c) };
}
