// Invitations: an admin invites an e-mail with a role; the link (token stored hashed, valid 7 days) lets the
// person create an account, or add the organisation to an existing one by proving its password.
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { ClientMeta, LoginResult } from '../auth/login';
import { hashPassword, verifyPassword } from '../auth/password';
import { hashToken, randomToken } from '../auth/tokens';
import type { Db } from '../db/client';
import { findUserByEmail } from '../db/queries/users';
import { invitations, memberships, organizations, users, type Role } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
import type { Env } from '../env';
import { ApiError, conflict } from '../errors';
import { appLinkBase } from '../lib/origins';
import { mailerFor } from '../mail/mailer';
import { invitationMail, localeOf } from '../mail/templates';
import { logInAs } from './sessions';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const invitationColumns = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  expiresAt: invitations.expiresAt,
  createdAt: invitations.createdAt,
  invitedBy: invitations.invitedBy,
};

/** Creates (or replaces) the pending invitation for an e-mail. Returns the raw token for the e-mail link. */
export async function createInvitation(tx: Tx, orgId: string, invitedBy: string, email: string, role: Role) {
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), sql`lower(${users.email}) = ${email}`));
  if (member) throw conflict('This person is already a member of the organisation', 'already_member');
  // A new invitation replaces any pending one for the same address.
  await tx
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.organizationId, orgId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const token = randomToken();
  const [invitation] = await tx
    .insert(invitations)
    .values({
      organizationId: orgId,
      email,
      role,
      invitedBy,
      tokenHash: await hashToken(token),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    })
    .returning(invitationColumns);
  return { invitation: invitation!, token };
}

/** Invites (audited) and, after commit, mails the link: it must never point at an invitation that was rolled back. */
export async function inviteMember(env: Env, db: Db, actor: Actor, { email, role }: { email: string; role: Role }) {
  const { invitation, token } = await withOrg(db, actor.orgId, async (tx) => {
    const created = await createInvitation(tx, actor.orgId, actor.userId, email, role);
    await recordAudit(tx, { action: 'member.invited', ...byActor(actor), targetType: 'invitation', targetId: created.invitation.id, metadata: { email, role } });
    return created;
  });
  const [org] = await db.select().from(organizations).where(eq(organizations.id, actor.orgId));
  const [inviter] = await db.select().from(users).where(eq(users.id, actor.userId));
  const link = `${appLinkBase(env.APP_URL)}/accept-invite?token=${encodeURIComponent(token)}`;
  const mail = invitationMail(localeOf(org?.locale), org?.name ?? '', inviter?.name ?? inviter?.email ?? '', link);
  await mailerFor(env, db).send({ to: email, kind: 'invitation', ...mail });
  return invitation;
}

export async function listPendingInvitations(tx: Tx, orgId: string) {
  return tx
    .select(invitationColumns)
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

/** Revokes a pending invitation (audited); undefined when this organisation has none with this id. */
export async function revokeInvitation(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.organizationId, actor.orgId), eq(invitations.id, id), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id, email: invitations.email });
  if (row) await recordAudit(tx, { action: 'member.invitation_revoked', ...byActor(actor), targetType: 'invitation', targetId: id, metadata: { email: row.email } });
  return row;
}

async function findUsableInvitation(db: Db | Tx, token: string) {
  const [row] = await db
    .select({ invitation: invitations, orgName: organizations.name, orgLocale: organizations.locale })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(
        eq(invitations.tokenHash, await hashToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    );
  return row;
}

const invalidInvitation = () => new ApiError(404, 'invitation_not_found', 'This invitation is invalid, expired or already used');

/** What the accept page shows before the person commits. */
export async function lookupInvitation(db: Db, token: string) {
  const row = await findUsableInvitation(db, token);
  if (!row) throw invalidInvitation();
  const existing = await findUserByEmail(db, row.invitation.email);
  return {
    email: row.invitation.email,
    role: row.invitation.role,
    organization: { id: row.invitation.organizationId, name: row.orgName },
    accountExists: Boolean(existing?.passwordHash),
    expiresAt: row.invitation.expiresAt,
  };
}

export async function acceptInvitation(
  db: Db,
  input: { token: string; name?: string; password: string },
  meta: ClientMeta,
) {
  const row = await findUsableInvitation(db, input.token);
  if (!row) throw invalidInvitation();
  const { invitation } = row;
  const existing = await findUserByEmail(db, invitation.email);
  if (existing?.disabledAt) throw new ApiError(403, 'account_disabled', 'This account is disabled');
  if (existing?.passwordHash && !(await verifyPassword(input.password, existing.passwordHash))) {
    throw new ApiError(401, 'invalid_credentials', 'This e-mail already has an account: enter its current password');
  }
  if (!existing && !input.name) throw new ApiError(400, 'validation_failed', 'Invalid json: name: required for a new account');
  const passwordHash = existing?.passwordHash ? null : await hashPassword(input.password);

  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (!claimed) throw invalidInvitation();
    let userId = existing?.id;
    if (!existing) {
      const [user] = await tx
        .insert(users)
        .values({ email: invitation.email, name: input.name!, passwordHash })
        .returning({ id: users.id });
      userId = user!.id;
    } else if (passwordHash) {
      await tx.update(users).set({ passwordHash, name: existing.name ?? input.name ?? null }).where(eq(users.id, existing.id));
    }
    await tx
      .insert(memberships)
      .values({ organizationId: invitation.organizationId, userId: userId!, role: invitation.role })
      .onConflictDoNothing();
    await recordAudit(tx, {
      action: 'member.joined',
      organizationId: invitation.organizationId,
      actorUserId: userId,
      targetType: 'invitation',
      targetId: invitation.id,
      metadata: { role: invitation.role, email: invitation.email },
      ...meta,
    });
    return { userId: userId!, organizationId: invitation.organizationId };
  });
}

/** Accepts the invitation and logs the person in to the organisation they joined. */
export async function acceptInvitationAndLogIn(db: Db, jwtSecret: string, input: { token: string; name?: string; password: string }, meta: ClientMeta): Promise<LoginResult> {
  const { userId, organizationId } = await acceptInvitation(db, input, meta);
  return logInAs(db, jwtSecret, userId, organizationId, meta);
}
