// /api/v1/members: who is in the organisation, with which role.
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { revokeUserSessions } from '../auth/sessions';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { changeRole, listMembers, removeMember } from '../domain/members';
import type { AppEnv } from '../env';
import { badRequest } from '../errors';
import { validate } from '../middleware/validate';
import { closeUserSockets } from '../realtime/close-user';
import { updateMemberBody } from '../schemas/auth';

const userParam = z.object({ userId: z.uuid() });

export function registerMembers(app: Hono<AppEnv>) {
  app.get('/api/v1/members', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'members.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listMembers(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.patch('/api/v1/members/:userId', validate('param', userParam), validate('json', updateMemberBody), async (c) => {
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
    return c.json({ userId, role });
  });

  app.delete('/api/v1/members/:userId', validate('param', userParam), async (c) => {
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
