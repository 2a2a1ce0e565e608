// Sign-up, log-in and the token pair they hand out. Plain functions over the database; the routes only map HTTP.
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { findUserByEmail, listUserOrganizations } from '../db/queries/users';
import { memberships, organizations, users, type User } from '../db/schema';
import { asSystem } from '../db/tx';
import { createDefaultPipeline } from '../domain/pipelines';
import { ApiError, conflict, forbidden } from '../errors';
import { hashPassword, verifyPassword } from './password';
import { createSession } from './sessions';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './tokens';

export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}

type OrgChoice = Awaited<ReturnType<typeof listUserOrganizations>>[number];

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; name: string | null; isSuperAdmin: boolean; locale: string | null };
  organization: OrgChoice;
  organizations: OrgChoice[];
}

export async function issueTokens(
  db: Db,
  jwtSecret: string,
  user: User,
  org: OrgChoice,
  organizations: OrgChoice[],
  meta: ClientMeta,
): Promise<LoginResult> {
  const { token, session } = await createSession(db, {
    userId: user.id,
    organizationId: org.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
  return tokenResponse(jwtSecret, user, org, organizations, token, session.id);
}

export async function tokenResponse(
  jwtSecret: string,
  user: User,
  org: OrgChoice,
  orgs: OrgChoice[],
  refreshToken: string,
  sessionId: string,
): Promise<LoginResult> {
  const accessToken = await signAccessToken(jwtSecret, { sub: user.id, org: org.id, role: org.role, sid: sessionId });
  return {
    accessToken,
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    user: { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin, locale: user.locale },
    organization: org,
    organizations: orgs,
  };
}

export function slugify(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${crypto.randomUUID().slice(0, 6)}`;
}

export async function signup(
  db: Db,
  input: { organizationName: string; name: string; email: string; password: string },
  meta: ClientMeta,
): Promise<{ user: User; orgId: string }> {
  if (await findUserByEmail(db, input.email)) throw conflict('An account with this e-mail already exists; log in instead', 'email_taken');
  const passwordHash = await hashPassword(input.password);
  try {
    return await asSystem(db, async (tx) => {
      const [org] = await tx
        .insert(organizations)
        .values({ name: input.organizationName, slug: slugify(input.organizationName) })
        .returning();
      const [user] = await tx
        .insert(users)
        .values({ email: input.email.toLowerCase(), name: input.name, passwordHash, lastLoginAt: new Date() })
        .returning();
      await tx.insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: 'tenant_admin' });
      await createDefaultPipeline(tx, org!.id);
      await recordAudit(tx, {
        action: 'auth.signup',
        organizationId: org!.id,
        actorUserId: user!.id,
        targetType: 'organization',
        targetId: org!.id,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      return { user: user!, orgId: org!.id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('An account with this e-mail already exists; log in instead', 'email_taken');
    throw err;
  }
}

let dummyHash: Promise<string> | undefined;

/** Checks e-mail and password. Unknown e-mails cost the same time as wrong passwords, so they can't be probed. */
export async function checkCredentials(db: Db, email: string, password: string, meta: ClientMeta): Promise<User> {
  const user = await findUserByEmail(db, email);
  const ok = user?.passwordHash
    ? await verifyPassword(password, user.passwordHash)
    : await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-real-password')));
  if (!user || !ok || user.disabledAt) {
    const orgs = user ? await listUserOrganizations(db, user.id) : [];
    await recordAudit(db, {
      action: 'auth.login_failed',
      organizationId: orgs[0]?.id ?? null,
      actorUserId: user?.id ?? null,
      targetType: 'user',
      targetId: user?.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { email: email.toLowerCase(), reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'bad_password' },
    });
    throw new ApiError(401, 'invalid_credentials', 'E-mail or password is incorrect');
  }
  return user;
}

/** Picks the organisation to act in: the one asked for (member, or super admin), else the first membership. */
export async function chooseOrganization(
  db: Db,
  user: User,
  requestedOrgId?: string,
): Promise<{ org: OrgChoice; all: OrgChoice[]; viaSuperAdmin: boolean }> {
  const all = await listUserOrganizations(db, user.id);
  if (requestedOrgId) {
    const mine = all.find((o) => o.id === requestedOrgId);
    if (mine) return { org: mine, all, viaSuperAdmin: false };
    if (user.isSuperAdmin) {
      const [org] = await db
        .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, locale: organizations.locale })
        .from(organizations)
        .where(eq(organizations.id, requestedOrgId));
      if (org) return { org: { ...org, role: 'tenant_admin' }, all, viaSuperAdmin: true };
    }
    throw new ApiError(404, 'not_found', 'Organization not found');
  }
  if (!all[0]) throw forbidden('This account does not belong to any organisation', 'no_organization');
  return { org: all[0], all, viaSuperAdmin: false };
}

export async function markLoggedIn(db: Db, user: User, orgId: string, viaSuperAdmin: boolean, meta: ClientMeta): Promise<void> {
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  await recordAudit(db, {
    action: viaSuperAdmin ? 'super_admin.enter_organization' : 'auth.login',
    organizationId: orgId,
    actorUserId: user.id,
    actorType: viaSuperAdmin ? 'super_admin' : 'user',
    targetType: 'organization',
    targetId: orgId,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
}
