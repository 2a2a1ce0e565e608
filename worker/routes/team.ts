// /api/v1/team: the organisation's members as any colleague may see them (name and role, no e-mails). The full
// member list with e-mails and logins stays at /api/v1/members for staff.
import type { Hono } from 'hono';
import { authorize } from '../auth/policy';
import { withOrg } from '../db/tx';
import { listTeam } from '../domain/members';
import type { AppEnv } from '../env';

export function registerTeam(app: Hono<AppEnv>) {
  app.get('/api/v1/team', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'team.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listTeam(tx, actor.orgId));
    return c.json({ data });
  });
}
