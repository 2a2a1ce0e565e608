// /api/v1/contacts/:id/notes: the team's notes on a contact.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { findContact } from '../domain/contacts';
import { addNote, deleteNote, listNotes } from '../domain/contact-notes';
import { contentCrypto } from '../domain/content-crypto';
import { sealingCrypto } from '../domain/sealing-crypto';
import type { AppEnv } from '../env';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { ContactNote, noteBody } from '../schemas/contact-notes';

const tags = ['Contacts'];
const noteParam = z.object({ id: z.uuid(), noteId: z.uuid() });
const pageQuery = z.object({ cursor: z.string().max(200).optional(), limit: limitParam });

/** The contact, or 404 (audited when the id belongs to another organisation). */
async function requireContact(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const contact = await withOrg(c.var.db, actor.orgId, (tx) => findContact(tx, actor.orgId, id));
  if (!contact) return notFoundAudited(c, 'contact', id);
  return contact;
}

export function registerContactNotes(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/contacts/{id}/notes',
      tags,
      summary: 'A contact’s notes, newest first',
      request: { params: idParam, query: pageQuery },
      responses: { 200: json(pageOf(ContactNote), 'A page of notes'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.read');
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await requireContact(c, id);
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const rows = await withOrg(c.var.db, actor.orgId, (tx) => listNotes(tx, crypto, actor.orgId, id, decodeCursor(q.cursor), q.limit));
      return c.json(page(rows, q.limit), 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/contacts/{id}/notes',
      tags,
      summary: 'Write a note on a contact',
      request: { params: idParam, ...jsonBody(noteBody) },
      responses: { 201: json(z.object({ note: ContactNote }), 'Written'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const { id } = c.req.valid('param');
      await requireContact(c, id);
      const crypto = await sealingCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const note = await withOrg(c.var.db, actor.orgId, (tx) => addNote(tx, crypto, actor, id, c.req.valid('json').body));
      return c.json({ note }, 201);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'delete',
      path: '/api/v1/contacts/{id}/notes/{noteId}',
      tags,
      summary: 'Delete a note (its author, or admins and managers)',
      request: { params: noteParam },
      responses: { ...noContent, ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const { id, noteId } = c.req.valid('param');
      if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteNote(tx, actor, id, noteId)))) return notFoundAudited(c, 'note', noteId);
      return c.body(null, 204);
    },
  );
}
