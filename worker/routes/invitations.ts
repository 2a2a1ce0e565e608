// /api/v1/invitations: invite by e-mail (admin), list, revoke; look up and accept (public, by token).
import { appLinkBase } from '../lib/origins';
import { eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { deliverTokens } from '../auth/token-delivery';
import { chooseOrganization, issueTokens } from '../auth/login';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { organizations, users } from '../db/schema';
import { withOrg } from '../db/tx';
import { acceptInvitation, createInvitation, listPendingInvitations, lookupInvitation, revokeInvitation } from '../domain/invitations';
import type { AppEnv } from '../env';
import { mailerFor } from '../mail/mailer';
import { invitationMail, localeOf } from '../mail/templates';
import { clientMeta } from '../middleware/client';
import { authIpRateLimit } from '../middleware/rate-limit';
import { validate } from '../middleware/validate';
import { acceptInvitationBody, invitationBody } from '../schemas/auth';

const idParam = z.object({ id: z.uuid() });
const tokenQuery = z.object({ token: z.string().min(20).max(200) });

/** Public routes: the invitee has no account (or no session) yet. */
export function registerInvitationAcceptance(app: Hono<AppEnv>) {
  app.get('/api/v1/invitations/lookup', authIpRateLimit, validate('query', tokenQuery), async (c) => {
    return c.json(await lookupInvitation(c.var.db, c.req.valid('query').token));
  });

  app.post('/api/v1/invitations/accept', authIpRateLimit, validate('json', acceptInvitationBody), async (c) => {
    const { userId, organizationId } = await acceptInvitation(c.var.db, c.req.valid('json'), clientMeta(c));
    const [user] = await c.var.db.select().from(users).where(eq(users.id, userId));
    const { org, all } = await chooseOrganization(c.var.db, user!, organizationId);
    const result = await issueTokens(c.var.db, c.env.JWT_SECRET, user!, org, all, clientMeta(c));
    return c.json(deliverTokens(c, result), 201);
  });
}

export function registerInvitations(app: Hono<AppEnv>) {
  app.get('/api/v1/invitations', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.invite');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listPendingInvitations(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/invitations', validate('json', invitationBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.invite');
    const { email, role } = c.req.valid('json');
    const { invitation, token } = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const created = await createInvitation(tx, actor.orgId, actor.userId, email, role);
      await recordAudit(tx, {
        action: 'member.invited',
        ...byActor(actor),
        targetType: 'invitation',
        targetId: created.invitation.id,
        metadata: { email, role },
      });
      return created;
    });
    // Mail after commit: the link must never point at an invitation that was rolled back.
    const [org] = await c.var.db.select().from(organizations).where(eq(organizations.id, actor.orgId));
    const [inviter] = await c.var.db.select().from(users).where(eq(users.id, actor.userId));
    const link = `${appLinkBase(c.env.APP_URL)}/accept-invite?token=${encodeURIComponent(token)}`;
    const mail = invitationMail(localeOf(org?.locale), org?.name ?? '', inviter?.name ?? inviter?.email ?? '', link);
    await mailerFor(c.env, c.var.db).send({ to: email, kind: 'invitation', ...mail });
    return c.json({ invitation }, 201);
  });

  app.delete('/api/v1/invitations/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.invite');
    const { id } = c.req.valid('param');
    const revoked = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const row = await revokeInvitation(tx, actor.orgId, id);
      if (row) {
        await recordAudit(tx, { action: 'member.invitation_revoked', ...byActor(actor), targetType: 'invitation', targetId: id, metadata: { email: row.email } });
      }
      return row;
    });
    if (!revoked) return notFoundAudited(c, 'invitation', id);
    return c.body(null, 204);
  });
}
