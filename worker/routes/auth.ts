// /api/v1/auth: sign-up, log-in, refresh (rotating), log-out, log-out everywhere, switch organisation, reset.
import { eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { byActor, recordAudit } from '../audit/record';
import { clearRefreshCookie, readRefreshCookie } from '../auth/cookie';
import { deliverTokens } from '../auth/token-delivery';
import { cookieGuard } from '../middleware/cookie-guard';
import { chooseOrganization, checkCredentials, issueTokens, markLoggedIn, signup, tokenResponse } from '../auth/login';
import { completePasswordReset } from '../auth/password-reset';
import { findSessionByToken, revokeFamily, revokeUserSessions, rotateSession } from '../auth/sessions';
import { listUserOrganizations } from '../db/queries/users';
import { sessions, users } from '../db/schema';
import type { AppEnv } from '../env';
import { unauthorized } from '../errors';
import { authenticate } from '../middleware/auth';
import { clientMeta } from '../middleware/client';
import { authIpRateLimit, enforceLimit } from '../middleware/rate-limit';
import { validate } from '../middleware/validate';
import {
  loginBody,
  passwordResetConfirmBody,
  passwordResetRequestBody,
  refreshBody,
  signupBody,
  switchOrganizationBody,
} from '../schemas/auth';

export function registerAuth(app: Hono<AppEnv>) {
  app.post('/api/v1/auth/signup', authIpRateLimit, validate('json', signupBody), async (c) => {
    const body = c.req.valid('json');
    const { user, orgId } = await signup(c.var.db, body, clientMeta(c));
    const { org, all } = await chooseOrganization(c.var.db, user, orgId);
    const result = await issueTokens(c.var.db, c.env.JWT_SECRET, user, org, all, clientMeta(c));
    return c.json(deliverTokens(c, result), 201);
  });

  app.post('/api/v1/auth/login', authIpRateLimit, validate('json', loginBody), async (c) => {
    const body = c.req.valid('json');
    // Per account too, so a botnet spread over many IPs still cannot guess one password quickly.
    await enforceLimit(c.env.AUTH_RATE_LIMITER, `email:${body.email}`);
    const user = await checkCredentials(c.var.db, body.email, body.password, clientMeta(c));
    const { org, all, viaSuperAdmin } = await chooseOrganization(c.var.db, user, body.organizationId);
    const result = await issueTokens(c.var.db, c.env.JWT_SECRET, user, org, all, clientMeta(c));
    await markLoggedIn(c.var.db, user, org.id, viaSuperAdmin, clientMeta(c));
    return c.json(deliverTokens(c, result));
  });

  app.post('/api/v1/auth/refresh', cookieGuard, validate('json', refreshBody), async (c) => {
    const presented = c.req.valid('json').refreshToken;
    const token = presented ?? readRefreshCookie(c);
    if (!token) throw unauthorized('No refresh token', 'invalid_refresh_token');
    const rotated = await rotateSession(c.var.db, token, clientMeta(c));
    if (!rotated.ok) {
      clearRefreshCookie(c);
      if (rotated.reason === 'reuse') {
        await recordAudit(c.var.db, {
          action: 'auth.refresh_reuse_detected',
          organizationId: rotated.session?.organizationId ?? null,
          actorUserId: rotated.session?.userId,
          targetType: 'session_family',
          targetId: rotated.session?.familyId,
          ...clientMeta(c),
        });
        throw unauthorized('This refresh token was already used; every session of this login was ended', 'refresh_token_reused');
      }
      throw unauthorized('Refresh token invalid or expired; log in again', 'invalid_refresh_token');
    }
    const [user] = await c.var.db.select().from(users).where(eq(users.id, rotated.session.userId));
    const orgs = await listUserOrganizations(c.var.db, rotated.session.userId);
    const org = orgs.find((o) => o.id === rotated.session.organizationId);
    if (!user || user.disabledAt || (!org && !user.isSuperAdmin)) {
      await revokeFamily(c.var.db, rotated.session.familyId, 'membership_revoked');
      clearRefreshCookie(c);
      throw unauthorized('You no longer have access to this organisation', 'membership_revoked');
    }
    const acting = org ?? (await chooseOrganization(c.var.db, user, rotated.session.organizationId!)).org;
    const result = await tokenResponse(c.env.JWT_SECRET, user, acting, orgs, rotated.token, rotated.session.id);
    return c.json(deliverTokens(c, result, { presentedInBody: presented !== undefined }));
  });

  app.post('/api/v1/auth/logout', cookieGuard, validate('json', refreshBody), async (c) => {
    const token = c.req.valid('json').refreshToken ?? readRefreshCookie(c);
    const session = token ? await findSessionByToken(c.var.db, token) : undefined;
    if (session) {
      await revokeFamily(c.var.db, session.familyId, 'logout');
      await recordAudit(c.var.db, {
        action: 'auth.logout',
        organizationId: session.organizationId,
        actorUserId: session.userId,
        targetType: 'session_family',
        targetId: session.familyId,
        ...clientMeta(c),
      });
    }
    clearRefreshCookie(c);
    return c.body(null, 204);
  });

  app.post('/api/v1/auth/logout-all', authenticate, async (c) => {
    const actor = c.var.actor;
    await revokeUserSessions(c.var.db, actor.userId, 'logout_all');
    await recordAudit(c.var.db, { action: 'auth.logout_all', ...byActor(actor), targetType: 'user', targetId: actor.userId });
    clearRefreshCookie(c);
    return c.body(null, 204);
  });

  app.get('/api/v1/auth/me', authenticate, async (c) => {
    const actor = c.var.actor;
    const [user] = await c.var.db.select().from(users).where(eq(users.id, actor.userId));
    const orgs = await listUserOrganizations(c.var.db, actor.userId);
    return c.json({
      user: { id: user!.id, email: user!.email, name: user!.name, isSuperAdmin: user!.isSuperAdmin, locale: user!.locale },
      organization: orgs.find((o) => o.id === actor.orgId) ?? { id: actor.orgId, role: actor.role },
      role: actor.role,
      organizations: orgs,
    });
  });

  app.post('/api/v1/auth/switch-organization', cookieGuard, authenticate, validate('json', switchOrganizationBody), async (c) => {
    const actor = c.var.actor;
    const [user] = await c.var.db.select().from(users).where(eq(users.id, actor.userId));
    const { org, all, viaSuperAdmin } = await chooseOrganization(c.var.db, user!, c.req.valid('json').organizationId);
    // The old login ends; a new one starts in the chosen organisation.
    const [current] = await c.var.db.select().from(sessions).where(eq(sessions.id, actor.sessionId));
    if (current) await revokeFamily(c.var.db, current.familyId, 'switched_organization');
    const result = await issueTokens(c.var.db, c.env.JWT_SECRET, user!, org, all, clientMeta(c));
    await recordAudit(c.var.db, {
      action: viaSuperAdmin ? 'super_admin.enter_organization' : 'auth.switch_organization',
      organizationId: org.id,
      actorUserId: actor.userId,
      actorType: viaSuperAdmin ? 'super_admin' : 'user',
      targetType: 'organization',
      targetId: org.id,
      metadata: { from: actor.orgId },
      ...clientMeta(c),
    });
    return c.json(deliverTokens(c, result));
  });

  app.post('/api/v1/auth/password-reset/request', authIpRateLimit, validate('json', passwordResetRequestBody), async (c) => {
    const { email } = c.req.valid('json');
    await enforceLimit(c.env.AUTH_RATE_LIMITER, `reset:${email}`);
    // Looked up and mailed by the outbound consumer: the same work and answer whether or not the account exists.
    const { ip, userAgent } = clientMeta(c);
    await c.env.OUTBOUND_QUEUE.send({ type: 'auth.password_reset', email, ip, userAgent: userAgent?.slice(0, 500) ?? null, requestedAt: new Date().toISOString() }, { contentType: 'json' });
    return c.json({ status: 'ok', message: 'If an account exists for this e-mail, a reset link was sent.' }, 202);
  });

  app.post('/api/v1/auth/password-reset/confirm', authIpRateLimit, validate('json', passwordResetConfirmBody), async (c) => {
    const { token, password } = c.req.valid('json');
    await completePasswordReset(c.var.db, token, password, clientMeta(c));
    return c.json({ status: 'ok' });
  });
}
