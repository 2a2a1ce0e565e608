// Bearer access token → actor. The role and the session are read live from the database, so a role change, a
// removed membership or "log out everywhere" takes effect on the next request, not when the token expires.
import { createMiddleware } from 'hono/factory';
import { verifyAccessToken } from '../auth/tokens';
import { loadActorState } from '../db/queries/users';
import type { AppEnv } from '../env';
import { unauthorized } from '../errors';
import { clientIp, userAgent } from './client';
import { looksLikeApiKey } from '../auth/api-key-format';
import { authenticateApiKey } from './api-key-auth';

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token) throw unauthorized('Missing bearer access token');
  if (looksLikeApiKey(token)) return authenticateApiKey(c, next, token);
  const claims = await verifyAccessToken(c.env.JWT_SECRET, token);
  if (!claims) throw unauthorized('Invalid or expired access token', 'invalid_token');

  const state = await loadActorState(c.var.db, claims.sub, claims.org, claims.sid);
  if (!state || state.disabledAt) throw unauthorized('Account unavailable', 'invalid_token');
  const viaSuperAdmin = !state.role && state.isSuperAdmin;
  // Membership first: a removed member is told why, even though their sessions ended with it.
  if (!state.role && !viaSuperAdmin) throw unauthorized('You are no longer a member of this organisation', 'membership_revoked');
  if (state.sessionRevokedAt) throw unauthorized('This session has ended; log in again', 'session_revoked');

  c.set('actor', {
    userId: claims.sub,
    orgId: claims.org,
    role: state.role ?? 'tenant_admin',
    isSuperAdmin: state.isSuperAdmin,
    viaSuperAdmin,
    sessionId: claims.sid,
    ip: clientIp(c),
    userAgent: userAgent(c),
    departments: state.departments,
  });
  await next();
});
