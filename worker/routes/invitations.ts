// /api/v1/invitations: invite by e-mail (admin), list, revoke; look up and accept (public, by token).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { deliverTokens } from '../auth/token-delivery';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { acceptInvitationAndLogIn, inviteMember, listPendingInvitations, lookupInvitation, revokeInvitation } from '../domain/invitations';
import { clientMeta } from '../middleware/client';
import { authIpRateLimit } from '../middleware/rate-limit';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { acceptInvitationBody, Invitation, InvitationLookup, invitationBody, invitationTokenQuery, TokenResponse } from '../schemas/auth';

const tags = ['Invitations'];

/** Public routes: the invitee has no account (or no session) yet. */
export function registerInvitationAcceptance(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/invitations/lookup',
      tags,
      summary: 'What an invitation offers, by its token (public)',
      security: [],
      middleware: [authIpRateLimit],
      request: { query: invitationTokenQuery },
      responses: { 200: json(InvitationLookup, 'The invitation'), ...errors(404) },
    }),
    async (c) => c.json(await lookupInvitation(c.var.db, c.req.valid('query').token), 200),
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/invitations/accept',
      tags,
      summary: 'Accept an invitation: create the account (or prove its password) and log in (public)',
      security: [],
      middleware: [authIpRateLimit],
      request: jsonBody(acceptInvitationBody),
      responses: { 201: json(TokenResponse, 'Joined and logged in; the refresh token is set as a cookie'), ...errors(404) },
    }),
    async (c) => {
      const result = await acceptInvitationAndLogIn(c.var.db, c.env.JWT_SECRET, c.req.valid('json'), clientMeta(c));
      return c.json(deliverTokens(c, result), 201);
    },
  );
}

export function registerInvitations(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/invitations', tags, summary: 'Pending invitations (admins)', responses: { 200: json(pageOf(Invitation), 'Newest first'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'members.invite');
      const data = await withOrg(c.var.db, actor.orgId, (tx) => listPendingInvitations(tx, actor.orgId));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/invitations',
      tags,
      summary: 'Invite someone by e-mail (replaces their pending invitation)',
      request: jsonBody(invitationBody),
      responses: { 201: json(z.object({ invitation: Invitation }), 'Invited; the link is mailed'), ...errors(409) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'members.invite');
      const invitation = await inviteMember(c.env, c.var.db, actor, c.req.valid('json'));
      return c.json({ invitation }, 201);
    },
  );

  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/invitations/{id}', tags, summary: 'Revoke a pending invitation', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'members.invite');
      const { id } = c.req.valid('param');
      const revoked = await withOrg(c.var.db, actor.orgId, (tx) => revokeInvitation(tx, actor, id));
      if (!revoked) return notFoundAudited(c, 'invitation', id);
      return c.body(null, 204);
    },
  );
}
