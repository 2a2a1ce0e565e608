// /api/v1/contacts: list and search, detail (conversations, deals, notes), create/edit with E.164 phones, merge,
// CSV import/export, LGPD erasure. Notes and attribute definitions have their own files (contact-notes.ts,
// contact-attributes.ts); tagging is labels.ts.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { notifyStored } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { createDb } from '../db/client';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { contactDetail, listContacts } from '../domain/contacts';
import { contentCrypto } from '../domain/content-crypto';
import { addContact, editContact, mergeContactsAudited } from '../domain/contact-actions';
import { eraseContactEverywhere } from '../domain/erasure-everywhere';
import { addError, assertImportHeader, exportContactsCsv, importContactBatch, IMPORT_BATCH, parseCsvStream, type ExportFormat, type ImportReport } from '../domain/csv';
import type { AppEnv } from '../env';
import { ApiError, badRequest } from '../errors';
import { decodeCursor } from '../lib/cursor';
import { emitEvents } from '../webhooks-out/emit';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody } from '../openapi/responses';
import { Contact, ContactDetail, ContactPage, contactListQuery, createContactBody, Erasure, exportQuery, ImportReport as ImportReportSchema, MergeResult, mergeBody, updateContactBody } from '../schemas/contacts';

const tags = ['Contacts'];
const one = z.object({ contact: Contact });
const csvText = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });

export function registerContacts(app: ApiApp) {
  registerContactList(app);
  registerContactFiles(app);
  registerContactRecord(app);
  registerContactRemoval(app);
}

function registerContactList(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/contacts',
      tags,
      summary: 'Contacts: newest first, or best matches first with q (name with typos, or phone digits)',
      request: { query: contactListQuery },
      responses: { 200: json(ContactPage, 'A page of contacts'), ...errors() },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.read');
      const q = c.req.valid('query');
      const keyset = q.q ? undefined : decodeCursor(q.cursor);
      const result = await withOrg(c.var.db, actor.orgId, (tx) =>
        listContacts(tx, actor.orgId, { q: q.q, labelId: q.label, attribute: q.attribute, cursor: q.cursor, limit: q.limit }, keyset),
      );
      return c.json(result, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/contacts', tags, summary: 'Create a contact', request: jsonBody(createContactBody), responses: { 201: json(one, 'Created'), ...errors(409) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const contact = await withOrg(c.var.db, actor.orgId, (tx) => addContact(tx, actor, c.req.valid('json')));
      await emitEvents(c.env, actor.orgId, [{ type: 'contact.created', data: contact }], c.var.log);
      return c.json({ contact }, 201);
    },
  );
}

/** The export streams after the handler returns, when the request's database handle is closed: it has its own. */
function exportStream(c: Context<AppEnv>, format: ExportFormat) {
  const actor = c.var.actor;
  const { db, pool } = createDb({ url: c.env.DATABASE_URL, wsProxy: c.env.DB_WS_PROXY });
  const chunks = exportContactsCsv((fn) => withOrg(db, actor.orgId, fn), actor.orgId, { format });
  const encoder = new TextEncoder();
  let finish!: () => void;
  c.executionCtx.waitUntil(new Promise<void>((resolve) => (finish = resolve)).then(() => pool.end().catch(() => {})));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) {
          controller.close();
          finish();
        } else {
          controller.enqueue(encoder.encode(next.value));
        }
      } catch (err) {
        c.var.log.error('contact export failed', { error: String(err) });
        controller.error(err);
        finish();
      }
    },
    cancel() {
      void chunks.return(undefined);
      finish();
    },
  });
}

/** Reads the CSV body in batches, each batch in its own transaction; the report says what happened to every row. */
async function importCsv(c: Context<AppEnv>, body: ReadableStream<Uint8Array>) {
  const actor = c.var.actor;
  const report: ImportReport = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [], ignoredColumns: [] };
  let checkedHeader = false;
  await parseCsvStream(body, IMPORT_BATCH, async (records, errors, fields) => {
    if (!checkedHeader) {
      assertImportHeader(fields);
      checkedHeader = true;
    }
    report.rows += records.length + errors.length;
    for (const e of errors) addError(report, e);
    await withOrg(c.var.db, actor.orgId, (tx) => importContactBatch(tx, actor.orgId, records, fields, report));
  });
  if (!checkedHeader) throw badRequest('The CSV has no rows (a header row and one row per contact)', 'invalid_csv');
  report.errors.sort((a, b) => a.row - b.row);
  const { errors: _, ignoredColumns: __, ...counts } = report;
  await withOrg(c.var.db, actor.orgId, (tx) =>
    recordAudit(tx, { action: 'contact.imported', ...byActor(actor), targetType: 'organization', targetId: actor.orgId, metadata: counts }),
  );
  return report;
}

// Before /:id, which would take "export" and "import" for ids.
function registerContactFiles(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/contacts/export', tags, summary: 'Every contact as CSV (or CSV for Excel, pt-BR)', request: { query: exportQuery }, responses: { 200: csvText('The CSV file (streamed)'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.import');
      const { format } = c.req.valid('query');
      await withOrg(c.var.db, actor.orgId, (tx) => recordAudit(tx, { action: 'contact.exported', ...byActor(actor), targetType: 'organization', targetId: actor.orgId }));
      const day = new Date().toISOString().slice(0, 10);
      return new Response(exportStream(c, format), {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="contatos-${day}${format === 'excel' ? '-excel' : ''}.csv"` },
      });
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/contacts/import',
      tags,
      summary: 'Import contacts from CSV (the request body), created or updated by phone',
      request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
      responses: { 200: json(ImportReportSchema, 'What happened to each row'), ...errors(413, 415) },
    }),
    async (c) => {
      authorize(c.var.actor, 'contacts.import');
      if (!/^(text\/csv|application\/csv|text\/plain)\b/i.test(c.req.header('content-type') ?? '')) {
        throw new ApiError(415, 'unsupported_media_type', 'Send the file as the request body with Content-Type: text/csv');
      }
      const body = c.req.raw.body;
      if (!body) throw badRequest('The CSV body is empty', 'invalid_csv');
      return c.json(await importCsv(c, body), 200);
    },
  );
}

function registerContactRecord(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/contacts/{id}', tags, summary: 'A contact with its conversations, deals and latest notes', request: { params: idParam }, responses: { 200: json(ContactDetail, 'The contact'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.read');
      const { id } = c.req.valid('param');
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const detail = await withOrg(c.var.db, actor.orgId, (tx) => contactDetail(tx, crypto, actor, id));
      if (!detail) return notFoundAudited(c, 'contact', id);
      return c.json(detail, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/contacts/{id}',
      tags,
      summary: 'Edit a contact (attributes are merged; null removes one)',
      request: { params: idParam, ...jsonBody(updateContactBody) },
      responses: { 200: json(one, 'As edited'), ...errors(404, 409) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const { id } = c.req.valid('param');
      const contact = await withOrg(c.var.db, actor.orgId, (tx) => editContact(tx, actor, id, c.req.valid('json')));
      if (!contact) return notFoundAudited(c, 'contact', id);
      await emitEvents(c.env, actor.orgId, [{ type: 'contact.updated', data: contact }], c.var.log);
      return c.json({ contact }, 200);
    },
  );
}

function registerContactRemoval(app: ApiApp) {
  // LGPD erasure, for good: see domain/erasure-everywhere.ts for what goes and what stays.
  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/contacts/{id}', tags, summary: 'Erase a contact for good (LGPD), with its conversations and media', request: { params: idParam }, responses: { 200: json(Erasure, 'What was erased'), ...errors(404, 409) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.erase');
      const { id } = c.req.valid('param');
      const erased = await eraseContactEverywhere(c.env, c.var.db, actor, id, c.var.log);
      if (!erased) return notFoundAudited(c, 'contact', id);
      return c.json({ erased }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/contacts/{id}/merge',
      tags,
      summary: 'Merge another contact into this one (the other is deleted)',
      request: { params: idParam, ...jsonBody(mergeBody) },
      responses: { 200: json(MergeResult, 'The kept contact and what moved'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      // Merging deletes the other contact.
      authorize(actor, 'contacts.delete');
      const { id } = c.req.valid('param');
      const { otherId } = c.req.valid('json');
      if (otherId === id) throw badRequest('A contact cannot be merged into itself', 'same_contact');
      const outcome = await withOrg(c.var.db, actor.orgId, (tx) => mergeContactsAudited(tx, actor, id, otherId));
      if ('missing' in outcome) return notFoundAudited(c, 'contact', outcome.missing);
      const { result, contact } = outcome;
      // The inbox shows the contact beside each conversation: the moved ones changed.
      if (result.movedConversationIds.length) {
        await notifyStored(c.env, c.var.db, actor.orgId, { created: [], updated: [], conversationIds: result.movedConversationIds }, c.var.log);
      }
      return c.json({ contact, ...result }, 200);
    },
  );
}
