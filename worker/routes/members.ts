// /api/v1/members: who is in the organisation, with which role.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { revokeUserSessions } from '../auth/sessions';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { changeRole, listMembers, removeMember } from '../domain/members';
import { badRequest } from '../errors';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { closeUserSockets } from '../realtime/close-user';
import { updateMemberBody } from '../schemas/auth';
import { Member, MemberRole } from '../schemas/team';

const tags = ['Team'];

const userParam = z.object({ userId: z.uuid() });

export function registerMembers(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/members', tags, summary: 'Members with e-mails and last logins (staff)', responses: { 200: json(pageOf(Member), 'By joining date'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listMembers(tx, actor.orgId));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(app, createRoute({ method: 'patch', path: '/api/v1/members/{userId}', tags, summary: 'Change a member’s role', request: { params: userParam, ...jsonBody(updateMemberBody) }, responses: { 200: json(MemberRole, 'The new role'), ...errors(404, 409) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.update_role');
    const { userId } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const changed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const result = await changeRole(tx, actor.orgId, userId, role);
      if (result && result.from !== result.to) {
        await recordAudit(tx, {
          action: 'member.role_changed',
          ...byActor(actor),
          targetType: 'user',
          targetId: userId,
          metadata: result,
        });
      }
      return result;
    });
    if (!changed) return notFoundAudited(c, 'member', userId);
    // Open sockets were authorised for the old role: they must reconnect.
    if (changed.from !== changed.to) await closeUserSockets(c.env, actor.orgId, userId, 'role changed', c.var.log);
    return c.json({ userId, role }, 200);
  });

  openapi(app, createRoute({ method: 'delete', path: '/api/v1/members/{userId}', tags, summary: 'Remove a member (their logins end at once)', request: { params: userParam }, responses: { ...noContent, ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.remove');
    const { userId } = c.req.valid('param');
    if (userId === actor.userId) throw badRequest('You cannot remove yourself; ask another admin', 'cannot_remove_self');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const result = await removeMember(tx, actor.orgId, userId);
      if (result) {
        await recordAudit(tx, { action: 'member.removed', ...byActor(actor), targetType: 'user', targetId: userId, metadata: result });
      }
      return result;
    });
    if (!removed) return notFoundAudited(c, 'member', userId);
    // Their logins into this organisation end now, not when the access token expires.
    await revokeUserSessions(c.var.db, userId, 'membership_removed', actor.orgId);
    await closeUserSockets(c.env, actor.orgId, userId, 'membership removed', c.var.log);
    return c.body(null, 204);
  });
}
