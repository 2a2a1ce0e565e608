// /api/v1/team: the organisation's members as any colleague may see them (name, role, presence, satisfaction average;
// no e-mails). The full member list with e-mails and logins stays at /api/v1/members for staff. PUT /api/v1/presence:
// one's own online / away.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { orgInbox } from '../realtime/notify';
import { authorize, can } from '../auth/policy';
import { withOrg } from '../db/tx';
import { listTeam, setPresence } from '../domain/members';
import { errorFields } from '../lib/log';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody } from '../openapi/responses';
import { presenceBody } from '../schemas/service-desk';
import { TeamMember } from '../schemas/team';
import { agentRatings } from '../service-desk/csat';

const tags = ['Team'];

export function registerTeam(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/team', tags, summary: 'Colleagues: names, roles, presence', responses: { 200: json(z.object({ data: z.array(TeamMember) }), 'Everyone, by name'), ...errors() } }), async (c) => {
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
      presence: connected === null ? m.presence : connected.includes(m.id) ? m.presence : ('offline' as const),
      csat: seesRatings || m.id === actor.userId ? (ratings.get(m.id) ?? { average: null, count: 0 }) : null,
    }));
    return c.json({ data }, 200);
  });

  openapi(app, createRoute({ method: 'put', path: '/api/v1/presence', tags, summary: 'Set one’s own presence', request: jsonBody(presenceBody), responses: { 200: json(presenceBody, 'As set'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    const { presence } = c.req.valid('json');
    await withOrg(c.var.db, actor.orgId, (tx) => setPresence(tx, actor.orgId, actor.userId, presence));
    return c.json({ presence }, 200);
  });
}
