// Logins and their sessions as the auth routes use them: sign-up, log-in, refresh (rotating), log-out, log-out
// everywhere, who am I, switch organisation, and the password-reset request. Platform tables, outside any tenant
// scope; the building blocks live in worker/auth/ (login.ts, sessions.ts, password-reset.ts).
import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { chooseOrganization, checkCredentials, issueTokens, markLoggedIn, signup, tokenResponse, type ClientMeta, type LoginResult } from '../auth/login';
import { findSessionByToken, revokeFamily, revokeUserSessions, rotateSession } from '../auth/sessions';
import type { Db } from '../db/client';
import { listUserOrganizations } from '../db/queries/users';
import { sessions, users } from '../db/schema';
import type { Env } from '../env';
import { ApiError, unauthorized } from '../errors';
import type { LoginBody, SignupBody } from '../schemas/auth';

async function userById(db: Db, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  return user;
}

/** A new account in a new organisation (its admin), logged in. */
export async function signupAndLogIn(db: Db, jwtSecret: string, body: SignupBody, meta: ClientMeta): Promise<LoginResult> {
  const { user, orgId } = await signup(db, body, meta);
  const { org, all } = await chooseOrganization(db, user, orgId);
  return issueTokens(db, jwtSecret, user, org, all, meta);
}

export async function logIn(db: Db, jwtSecret: string, body: LoginBody, meta: ClientMeta): Promise<LoginResult> {
  const user = await checkCredentials(db, body.email, body.password, meta);
  const { org, all, viaSuperAdmin } = await chooseOrganization(db, user, body.organizationId);
  const result = await issueTokens(db, jwtSecret, user, org, all, meta);
  await markLoggedIn(db, user, org.id, viaSuperAdmin, meta);
  return result;
}

/** Logs in a user who just proved who they are another way (an accepted invitation). */
export async function logInAs(db: Db, jwtSecret: string, userId: string, orgId: string, meta: ClientMeta): Promise<LoginResult> {
  const user = (await userById(db, userId))!;
  const { org, all } = await chooseOrganization(db, user, orgId);
  return issueTokens(db, jwtSecret, user, org, all, meta);
}

/**
 * Rotates a refresh token into a new pair. A failure is returned, not thrown, so the route can clear the cookie
 * first; a reused token ends every session of the login (and is audited).
 */
export async function refreshLogin(db: Db, jwtSecret: string, token: string, meta: ClientMeta): Promise<{ ok: true; result: LoginResult } | { ok: false; error: ApiError }> {
  const rotated = await rotateSession(db, token, meta);
  if (!rotated.ok) {
    if (rotated.reason === 'reuse') {
      await recordAudit(db, {
        action: 'auth.refresh_reuse_detected',
        organizationId: rotated.session?.organizationId ?? null,
        actorUserId: rotated.session?.userId,
        targetType: 'session_family',
        targetId: rotated.session?.familyId,
        ...meta,
      });
      return { ok: false, error: unauthorized('This refresh token was already used; every session of this login was ended', 'refresh_token_reused') };
    }
    return { ok: false, error: unauthorized('Refresh token invalid or expired; log in again', 'invalid_refresh_token') };
  }
  const user = await userById(db, rotated.session.userId);
  const orgs = await listUserOrganizations(db, rotated.session.userId);
  const org = orgs.find((o) => o.id === rotated.session.organizationId);
  if (!user || user.disabledAt || (!org && !user.isSuperAdmin)) {
    await revokeFamily(db, rotated.session.familyId, 'membership_revoked');
    return { ok: false, error: unauthorized('You no longer have access to this organisation', 'membership_revoked') };
  }
  const acting = org ?? (await chooseOrganization(db, user, rotated.session.organizationId!)).org;
  return { ok: true, result: await tokenResponse(jwtSecret, user, acting, orgs, rotated.token, rotated.session.id) };
}

/** Ends the login the refresh token belongs to (nothing when there is none). */
export async function logOut(db: Db, token: string | undefined, meta: ClientMeta): Promise<void> {
  const session = token ? await findSessionByToken(db, token) : undefined;
  if (!session) return;
  await revokeFamily(db, session.familyId, 'logout');
  await recordAudit(db, {
    action: 'auth.logout',
    organizationId: session.organizationId,
    actorUserId: session.userId,
    targetType: 'session_family',
    targetId: session.familyId,
    ...meta,
  });
}

export async function logOutEverywhere(db: Db, actor: Actor): Promise<void> {
  await revokeUserSessions(db, actor.userId, 'logout_all');
  await recordAudit(db, { action: 'auth.logout_all', ...byActor(actor), targetType: 'user', targetId: actor.userId });
}

/** The caller, the organisation they act in (only id and role for a super admin who is no member), and all theirs. */
export async function whoAmI(db: Db, actor: Actor) {
  const user = (await userById(db, actor.userId))!;
  const orgs = await listUserOrganizations(db, actor.userId);
  return {
    user: { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin, locale: user.locale },
    organization: orgs.find((o) => o.id === actor.orgId) ?? { id: actor.orgId, role: actor.role },
    role: actor.role,
    organizations: orgs,
  };
}

/** The old login ends; a new one starts in the chosen organisation (super admins: any, audited as such). */
export async function switchOrganization(db: Db, jwtSecret: string, actor: Actor, organizationId: string, meta: ClientMeta): Promise<LoginResult> {
  const user = (await userById(db, actor.userId))!;
  const { org, all, viaSuperAdmin } = await chooseOrganization(db, user, organizationId);
  const [current] = await db.select().from(sessions).where(eq(sessions.id, actor.sessionId));
  if (current) await revokeFamily(db, current.familyId, 'switched_organization');
  const result = await issueTokens(db, jwtSecret, user, org, all, meta);
  await recordAudit(db, {
    action: viaSuperAdmin ? 'super_admin.enter_organization' : 'auth.switch_organization',
    organizationId: org.id,
    actorUserId: actor.userId,
    actorType: viaSuperAdmin ? 'super_admin' : 'user',
    targetType: 'organization',
    targetId: org.id,
    metadata: { from: actor.orgId },
    ...meta,
  });
  return result;
}

/** Looked up and mailed by the outbound consumer: the same work and answer whether or not the account exists. */
export async function queuePasswordReset(env: Env, email: string, meta: ClientMeta): Promise<void> {
  await env.OUTBOUND_QUEUE.send(
    { type: 'auth.password_reset', email, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 500) ?? null, requestedAt: new Date().toISOString() },
    { contentType: 'json' },
  );
}
