// Realtime: a ticket over REST, then WebSocket upgrades for the org inbox and for one conversation. The worker
// checks ticket, tenant, live role and conversation access before the object ever sees the socket.
import type { Context, Hono } from 'hono';
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
import { validate } from '../middleware/validate';
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

function requireUpgrade(c: Context<AppEnv>) {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new ApiError(426, 'upgrade_required', 'Expected a WebSocket upgrade');
}

export function registerRealtime(app: Hono<AppEnv>) {
  app.post('/api/v1/realtime/ticket', async (c) => {
    const actor = c.var.actor;
    return c.json(await issueTicket(c.env.JWT_SECRET, actor), 201);
  });

  app.get('/api/v1/inbox/ws', validate('query', wsQuery), async (c) => {
    requireUpgrade(c);
    const { ticket, after } = c.req.valid('query');
    const actor = await actorFromTicket(c, ticket);
    return orgInbox(c.env, actor.orgId).fetch(upgradeRequest({ userId: actor.userId, orgId: actor.orgId, role: actor.role, room: 'inbox', departments: actor.departments ?? [] }, after));
  });

  app.get('/api/v1/conversations/:id/ws', validate('param', z.object({ id: z.uuid() })), validate('query', wsQuery), async (c) => {
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
    return conversationRoom(c.env, actor.orgId, conversation.id).fetch(upgradeRequest(identity, after));
  });

  // Reading a chat: unread → 0 for this reader, the read receipt to WhatsApp when due, and the room tells the others.
  app.post('/api/v1/conversations/:id/read', validate('param', z.object({ id: z.uuid() })), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
    if (!conversation) throw notFound('conversation');
    if (!can(actor, 'conversation.read', conversation)) throw new ApiError(403, 'forbidden', 'Not your conversation');
    await markConversationRead(c.env, c.var.db, actor.orgId, id, actor.userId, c.var.log);
    await conversationRoom(c.env, actor.orgId, id).publish('read', { userId: actor.userId, at: new Date().toISOString() });
    return c.body(null, 204);
  });
}
