// /api/v1/team: the organisation's members as any colleague may see them (name, role, presence, satisfaction average;
// no e-mails). The full member list with e-mails and logins stays at /api/v1/members for staff. PUT /api/v1/presence:
// one's own online / away.
import type { Hono } from 'hono';
import { orgInbox } from '../realtime/notify';
import { authorize, can } from '../auth/policy';
import { withOrg } from '../db/tx';
import { listTeam, setPresence } from '../domain/members';
import type { AppEnv } from '../env';
import { errorFields } from '../lib/log';
import { validate } from '../middleware/validate';
import { presenceBody } from '../schemas/service-desk';
import { agentRatings } from '../service-desk/csat';

export function registerTeam(app: Hono<AppEnv>) {
  app.get('/api/v1/team', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'team.read');
    const [[team, ratings], connected] = await Promise.all([
      withOrg(c.var.db, actor.orgId, (tx) => Promise.all([listTeam(tx, actor.orgId), agentRatings(tx, actor.orgId)])),
      orgInbox(c.env, actor.orgId)
        .connectedUsers()
        .catch((err: unknown) => {
          c.var.log.warn('presence unavailable', errorFields(err));
          return null;
        }),
    ]);
    // Online or away as chosen while a tab is open; offline once the last one closed. Satisfaction over the last 90
    // days of survey answers (average null without any) — a colleague's rating is for managers and admins; an agent
    // sees their own only (null for the others).
    const seesRatings = can(actor, 'members.read');
    const data = team.map((m) => ({
      ...m,
      presence: connected === null ? m.presence : connected.includes(m.id) ? m.presence : 'offline',
      csat: seesRatings || m.id === actor.userId ? (ratings.get(m.id) ?? { average: null, count: 0 }) : null,
    }));
    return c.json({ data });
  });

  app.put('/api/v1/presence', validate('json', presenceBody), async (c) => {
    const actor = c.var.actor;
    const { presence } = c.req.valid('json');
    await withOrg(c.var.db, actor.orgId, (tx) => setPresence(tx, actor.orgId, actor.userId, presence));
    return c.json({ presence });
  });
}
