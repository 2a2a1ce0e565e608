// /api/v1/team: the organisation's members as any colleague may see them (name and role, no e-mails). The full
// member list with e-mails and logins stays at /api/v1/members for staff.
import type { Hono } from 'hono';
import { authorize } from '../auth/policy';
import { withOrg } from '../db/tx';
import { listTeam } from '../domain/members';
import type { AppEnv } from '../env';
import { agentRatings } from '../service-desk/csat';

export function registerTeam(app: Hono<AppEnv>) {
  app.get('/api/v1/team', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'team.read');
    const data = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [team, ratings] = await Promise.all([listTeam(tx, actor.orgId), agentRatings(tx, actor.orgId)]);
      // Satisfaction over the last 90 days of answers; average null without any.
      return team.map((m) => ({ ...m, csat: ratings.get(m.id) ?? { average: null, count: 0 } }));
    });
    return c.json({ data });
  });
}
