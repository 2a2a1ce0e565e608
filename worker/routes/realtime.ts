// Realtime: a ticket over REST, then WebSocket upgrades for the org inbox and for one conversation. The worker
// checks ticket, tenant, live role and conversation access before the object ever sees the socket.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { upgradeRequest } from '../../durable-objects/fanout';
import { conversationRoom, orgInbox } from '../realtime/notify';
import type { Actor } from '../auth/actor';
import { can } from '../auth/policy';
import { loadActorState } from '../db/queries/users';
import { withOrg } from '../db/tx';
import { findConversation } from '../domain/conversations';
import { markConversationRead } from '../domain/read';
import type { AppEnv } from '../env';
import { ApiError, notFound, unauthorized } from '../errors';
import { issueTicket, readTicket } from '../realtime/ticket';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, noContent } from '../openapi/responses';
import { clientMeta } from '../middleware/client';
import { errorFields } from '../lib/log';

const wsQuery = z.object({ ticket: z.string().min(20).max(2000), after: z.coerce.number().int().min(0).optional() });

/** Ticket → actor, with the same live checks as a Bearer token. */
async function actorFromTicket(c: Context<AppEnv>, ticket: string): Promise<Actor> {
  const claims = await readTicket(c.env.JWT_SECRET, ticket);
  if (!claims) throw unauthorized('Invalid or expired realtime ticket', 'invalid_ticket');
  if (!(await orgInbox(c.env, claims.org).consumeTicket(claims.jti, claims.exp * 1000))) {
    throw unauthorized('This realtime ticket was already used', 'ticket_used');
  }
  const state = await loadActorState(c.var.db, claims.sub, claims.org, claims.sid);
  if (!state || state.disabledAt || state.sessionRevokedAt) throw unauthorized('Session ended', 'session_revoked');
  if (!state.role && !state.isSuperAdmin) throw unauthorized('Not a member of this organisation', 'membership_revoked');
  return {
    userId: claims.sub,
    orgId: claims.org,
    role: state.role ?? 'tenant_admin',
    isSuperAdmin: state.isSuperAdmin,
    viaSuperAdmin: !state.role,
    sessionId: claims.sid,
    ...clientMeta(c),
    departments: state.departments,
  };
}

const tags = ['Realtime'];
const upgrade = { 101: { description: 'Switching Protocols: the socket, events `{ type, data, seq }`' } } as const;
/** The room's own answer to the upgrade (101 with the socket) passes through as is; its type is not a JSON one. */
const passThrough = (res: Response) => res as unknown as never;

function requireUpgrade(c: Context<AppEnv>) {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new ApiError(426, 'upgrade_required', 'Expected a WebSocket upgrade');
}

export function registerRealtime(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/realtime/ticket',
      tags,
      summary: 'A short-lived, single-use ticket for a WebSocket (browsers cannot send headers there)',
      responses: { 201: json(z.object({ ticket: z.string(), expiresAt: z.string().meta({ format: 'date-time' }) }), 'The ticket'), ...errors() },
    }),
    async (c) => c.json(await issueTicket(c.env.JWT_SECRET, c.var.actor), 201),
  );

  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/inbox/ws', tags, summary: 'The organisation’s inbox events (WebSocket upgrade)', security: [], request: { query: wsQuery }, responses: { ...upgrade, ...errors(426) } }),
    async (c) => {
      requireUpgrade(c);
      const { ticket, after } = c.req.valid('query');
      const actor = await actorFromTicket(c, ticket);
      return passThrough(await orgInbox(c.env, actor.orgId).fetch(upgradeRequest({ userId: actor.userId, orgId: actor.orgId, role: actor.role, room: 'inbox', departments: actor.departments ?? [] }, after)));
    },
  );

  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/conversations/{id}/ws',
      tags,
      summary: 'One conversation’s events (WebSocket upgrade); ?after=<seq> replays what was missed',
      security: [],
      request: { params: idParam, query: wsQuery },
      responses: { ...upgrade, ...errors(404, 426) },
    }),
    async (c) => {
      requireUpgrade(c);
      const { ticket, after } = c.req.valid('query');
      const { id } = c.req.valid('param');
      const actor = await actorFromTicket(c, ticket);
      const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
      if (!conversation) throw notFound('conversation');
      if (!can(actor, 'conversation.read', conversation)) {
        throw new ApiError(403, 'forbidden', 'This conversation is assigned to another agent');
      }
      // Remembered so that a role change or removal can close this socket too; a failure here only costs that.
      await orgInbox(c.env, actor.orgId)
        .noteRoom(actor.userId, conversation.id)
        .catch((err: unknown) => c.var.log.warn('room not remembered', errorFields(err)));
      const identity = { userId: actor.userId, orgId: actor.orgId, role: actor.role, room: conversation.id, departments: actor.departments ?? [] };
      return passThrough(await conversationRoom(c.env, actor.orgId, conversation.id).fetch(upgradeRequest(identity, after)));
    },
  );

  // Reading a chat: unread → 0 for this reader, the read receipt to WhatsApp when due, and the room tells the others.
  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/conversations/{id}/read', tags, summary: 'Mark a conversation read for the caller', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
      if (!conversation) throw notFound('conversation');
      if (!can(actor, 'conversation.read', conversation)) throw new ApiError(403, 'forbidden', 'Not your conversation');
      await markConversationRead(c.env, c.var.db, actor.orgId, id, actor.userId, c.var.log);
      await conversationRoom(c.env, actor.orgId, id).publish('read', { userId: actor.userId, at: new Date().toISOString() });
      return c.body(null, 204);
    },
  );
}
