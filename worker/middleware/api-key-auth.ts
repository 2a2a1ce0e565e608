// `Authorization: Bearer cv_live_…` → an actor that is the key: a tenant admin narrowed to the key's scopes
// (worker/auth/policy.ts SCOPE_OF). Revoked, expired, unknown and malformed keys are 401; denials of a known key
// (revoked, expired, out of scope) are audited against its organisation.
import type { Context, Next } from 'hono';
import { isWellFormedApiKey, hashApiKey } from '../auth/api-key-format';
import { recordAudit } from '../audit/record';
import { findApiKeyByHash, LAST_USED_RESOLUTION_MS, touchApiKey } from '../domain/api-keys';
import type { AppEnv } from '../env';
import { ApiError, unauthorized } from '../errors';
import { errorFields } from '../lib/log';
import { clientIp, userAgent } from './client';
import { enforceLimit } from './rate-limit';

/**
 * What a key may never reach, whatever its scopes: a person's own things (sessions, password, notifications,
 * presence, realtime sockets) and the platform operators' routes. Keys themselves and webhooks need "admin".
 */
const PERSONAL = /^\/api\/v1\/(auth|realtime|notifications|presence|admin|invitations\/accept)(\/|$)/;

export async function authenticateApiKey(c: Context<AppEnv>, next: Next, token: string) {
  const ip = clientIp(c);
  // Unknown keys are counted per IP (guessing costs the guesser), known ones per key below.
  const refuse = async (message: string) => {
    await enforceLimit(c.env.API_RATE_LIMITER, `ip:${ip}`);
    throw unauthorized(message, 'invalid_api_key');
  };
  if (!isWellFormedApiKey(token)) return refuse('Malformed API key');
  const key = await findApiKeyByHash(c.var.db, await hashApiKey(token));
  if (!key) return refuse('Unknown API key');

  // Every refusal of a known key leaves a trace in its organisation's audit log (never failing the answer).
  const auditDenial = (metadata: Record<string, unknown>) =>
    recordAudit(c.var.db, {
      action: 'api_key.denied',
      organizationId: key.organizationId,
      actorUserId: key.createdBy,
      actorType: 'api_key',
      actorApiKeyId: key.id,
      targetType: 'api_key',
      targetId: key.id,
      ip,
      userAgent: userAgent(c),
      metadata: { ...metadata, method: c.req.method, path: c.req.path },
    }).catch((err) => c.var.log.error('audit of an API key denial failed', errorFields(err)));
  const deny = async (status: 401 | 403, code: string, message: string, reason: string) => {
    await auditDenial({ reason });
    throw new ApiError(status, code, message);
  };
  if (key.revokedAt) return deny(401, 'api_key_revoked', 'This API key has been revoked', 'revoked');
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return deny(401, 'api_key_expired', 'This API key has expired', 'expired');
  // Its creator's account is gone: nobody answers for the key any more.
  if (!key.createdBy) return deny(401, 'api_key_orphaned', 'This API key no longer has an owner; create a new one', 'orphaned');
  await enforceLimit(c.env.API_RATE_LIMITER, `apikey:${key.id}`);
  if (PERSONAL.test(c.req.path)) return deny(403, 'api_key_not_allowed', 'API keys cannot use this route', 'personal_route');
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) await touchApiKey(c.var.db, key.id);

  c.set('actor', {
    userId: key.createdBy,
    orgId: key.organizationId,
    role: 'tenant_admin',
    isSuperAdmin: false,
    viaSuperAdmin: false,
    sessionId: '',
    ip,
    userAgent: userAgent(c),
    apiKey: { id: key.id, scopes: key.scopes },
  });
  await next();
  // Out of scope: the policy threw 403 in the handler (onError has answered); leave a trace of what was tried.
  if (c.error instanceof ApiError && c.error.code === 'insufficient_scope') {
    await auditDenial({ reason: 'insufficient_scope', message: c.error.message });
  }
}
