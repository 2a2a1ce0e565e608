// Password reset: single-use token, valid 1 hour, stored hashed. Requesting says nothing about whether the
// e-mail exists; completing it ends every session of the account.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { findUserByEmail, listUserOrganizations } from '../db/queries/users';
import { passwordResets, users } from '../db/schema';
import { ApiError } from '../errors';
import type { Mailer } from '../mail/mailer';
import { localeOf, passwordResetMail } from '../mail/templates';
import type { ClientMeta } from './login';
import { hashPassword } from './password';
import { revokeUserSessions } from './sessions';
import { hashToken, randomToken } from './tokens';

export const RESET_TTL_MS = 60 * 60 * 1000;

export async function requestPasswordReset(
  db: Db,
  mailer: Mailer,
  appUrl: string,
  email: string,
  meta: ClientMeta,
): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (!user || user.disabledAt) return;
  const token = randomToken();
  await db.insert(passwordResets).values({
    userId: user.id,
    tokenHash: await hashToken(token),
    expiresAt: new Date(Date.now() + RESET_TTL_MS),
    requestedIp: meta.ip,
  });
  const orgs = await listUserOrganizations(db, user.id);
  const link = `${appUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
  const mail = passwordResetMail(localeOf(user.locale ?? orgs[0]?.locale), link);
  await mailer.send({ to: user.email, kind: 'password_reset', ...mail });
  await recordAudit(db, {
    action: 'auth.password_reset_requested',
    organizationId: orgs[0]?.id ?? null,
    actorUserId: user.id,
    targetType: 'user',
    targetId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
}

export async function completePasswordReset(db: Db, token: string, password: string, meta: ClientMeta): Promise<void> {
  const tokenHash = await hashToken(token);
  const passwordHash = await hashPassword(password);
  const userId = await db.transaction(async (tx) => {
    // Claiming the row and checking expiry in one statement makes the token single-use under concurrency.
    const [reset] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
      .returning();
    if (!reset) return null;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, reset.userId));
    // Other outstanding links for this account die with it.
    await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)));
    await revokeUserSessions(tx, reset.userId, 'password_reset');
    return reset.userId;
  });
  if (!userId) throw new ApiError(400, 'invalid_token', 'This reset link is invalid, expired or already used');
  const orgs = await listUserOrganizations(db, userId);
  await recordAudit(db, {
    action: 'auth.password_reset',
    organizationId: orgs[0]?.id ?? null,
    actorUserId: userId,
    targetType: 'user',
    targetId: userId,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
}
