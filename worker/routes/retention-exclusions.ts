// Retention exclusions (issue 21 §3): legal holds on a conversation (tenant admins place and lift them, with a reason)
// and messages marked important (whoever may see the conversation). Retention keeps both (worker/jobs/retention.ts).
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { markImportant } from '../domain/important-messages';
import { findContact } from '../domain/contacts';
import { liftContactLegalHold, legalHoldState, liftLegalHold, placeContactLegalHold, placeLegalHold } from '../domain/legal-holds';
import { messageWithReactions } from '../domain/reactions';
import { contentCrypto } from '../domain/content-crypto';
import type { AppEnv } from '../env';
import { notifyStored } from '../realtime/notify';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody } from '../openapi/responses';
import { Message } from '../schemas/conversations';
import { importantBody, LegalHold, LegalHoldState, legalHoldBody } from '../schemas/retention-exclusions';
import { visibleConversation } from './conversations';

const holdRoute = (path: string, summary: string) =>
  createRoute({
    method: 'post',
    path,
    tags: ['Conversations'],
    summary,
    request: { params: idParam, ...jsonBody(legalHoldBody) },
    responses: { 200: json(z.object({ legalHold: LegalHold }), 'The hold, as stored'), ...errors(404, 409) },
  });

/** Admins only (checked before the lookup, so other roles learn nothing of the id); another tenant's id is a 404. */
async function heldConversation(c: Context<AppEnv>, id: string) {
  authorize(c.var.actor, 'legal_hold.manage');
  return visibleConversation(c, id);
}

export function registerRetentionExclusions(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/conversations/{id}/legal-hold',
      tags: ['Conversations'],
      summary: 'The legal hold in force on a conversation, if any, and its holds so far',
      request: { params: idParam },
      responses: { 200: json(LegalHoldState, 'Hold in force (null: none) and history, newest first'), ...errors(404) },
    }),
    async (c) => {
      const conversation = await visibleConversation(c, c.req.valid('param').id);
      return c.json(await withOrg(c.var.db, c.var.actor.orgId, (tx) => legalHoldState(tx, c.var.actor.orgId, conversation.id)), 200);
    },
  );

  openapi(app, holdRoute('/api/v1/conversations/{id}/legal-hold', 'Place a legal hold: retention and erasure stop for the conversation (admins)'), async (c) => {
    const conversation = await heldConversation(c, c.req.valid('param').id);
    const { reason } = c.req.valid('json');
    const legalHold = await withOrg(c.var.db, c.var.actor.orgId, (tx) => placeLegalHold(tx, c.var.actor, conversation.id, reason));
    return c.json({ legalHold }, 200);
  });

  openapi(app, holdRoute('/api/v1/conversations/{id}/legal-hold/lift', 'Lift the legal hold in force (admins)'), async (c) => {
    const conversation = await heldConversation(c, c.req.valid('param').id);
    const { reason } = c.req.valid('json');
    const legalHold = await withOrg(c.var.db, c.var.actor.orgId, (tx) => liftLegalHold(tx, c.var.actor, conversation.id, reason));
    return c.json({ legalHold }, 200);
  });

  openapi(
    app,
    createRoute({
      method: 'put',
      path: '/api/v1/conversations/{id}/messages/{messageId}/important',
      tags: ['Conversations'],
      summary: 'Mark or unmark a message as important (retention keeps its conversation)',
      request: { params: z.object({ id: z.uuid(), messageId: z.uuid() }), ...jsonBody(importantBody) },
      responses: { 200: json(z.object({ message: Message }), 'The message'), ...errors(404, 422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id, messageId } = c.req.valid('param');
      const conversation = await visibleConversation(c, id);
      authorize(actor, 'conversation.mark_important', conversation);
      const { important } = c.req.valid('json');
      const result = await withOrg(c.var.db, actor.orgId, (tx) => markImportant(tx, actor, conversation, messageId, important));
      if (!result) return notFoundAudited(c, 'message', messageId);
      if (result.changed) await notifyStored(c.env, c.var.db, actor.orgId, { created: [], updated: [result.message], conversationIds: [] }, c.var.log);
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const message = await withOrg(c.var.db, actor.orgId, (tx) => messageWithReactions(tx, crypto, actor.orgId, result.message));
      return c.json({ message }, 200);
    },
  );
}

/**
 * A legal hold on a contact = on every conversation of theirs (each its own hold, with the same reason). Lifting lifts
 * every hold in force on them. Admins only; another tenant's contact is a 404.
 */
export function registerContactLegalHolds(app: ApiApp) {
  const route = (path: string, summary: string) =>
    createRoute({
      method: 'post',
      path,
      tags: ['Contacts'],
      summary,
      request: { params: idParam, ...jsonBody(legalHoldBody) },
      responses: { 200: json(z.object({ legalHolds: z.array(LegalHold) }), 'The holds placed or lifted, one per conversation'), ...errors(404) },
    });
  const heldContact = async (c: Context<AppEnv>, id: string) => {
    authorize(c.var.actor, 'legal_hold.manage');
    const contact = await withOrg(c.var.db, c.var.actor.orgId, (tx) => findContact(tx, c.var.actor.orgId, id));
    if (!contact) return notFoundAudited(c, 'contact', id);
    return contact;
  };
  openapi(app, route('/api/v1/contacts/{id}/legal-hold', "Place a legal hold on every conversation of the contact's (admins)"), async (c) => {
    const contact = await heldContact(c, c.req.valid('param').id);
    const { reason } = c.req.valid('json');
    const legalHolds = await withOrg(c.var.db, c.var.actor.orgId, (tx) => placeContactLegalHold(tx, c.var.actor, contact.id, reason));
    return c.json({ legalHolds }, 200);
  });
  openapi(app, route('/api/v1/contacts/{id}/legal-hold/lift', "Lift the legal holds on the contact's conversations (admins)"), async (c) => {
    const contact = await heldContact(c, c.req.valid('param').id);
    const { reason } = c.req.valid('json');
    const legalHolds = await withOrg(c.var.db, c.var.actor.orgId, (tx) => liftContactLegalHold(tx, c.var.actor, contact.id, reason));
    return c.json({ legalHolds }, 200);
  });
}
