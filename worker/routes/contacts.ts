// /api/v1/contacts: list and search, detail (conversations, deals, notes), create/edit with E.164 phones, merge,
// notes, CSV import/export, LGPD erasure; /api/v1/contact-attributes: the organisation's typed custom attributes.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { notifyStored, publishToInbox } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { createDb } from '../db/client';
import { notFoundAudited } from '../db/cross-tenant';
import { isUniqueViolation } from '../db/errors';
import { contactAttributeDefinitions, contactNotes, contacts } from '../db/schema';
import { withOrg } from '../db/tx';
import {
  contactDetail,
  contactDto,
  contactSnapshot,
  createContact,
  createContactBody,
  findContact,
  listContacts,
  listNotes,
  mergeContacts,
  updateContact,
  updateContactBody,
} from '../domain/contacts';
import { dealBoardEvent } from '../domain/deals';
import { deleteMediaObjects, eraseContact } from '../domain/erasure';
import { addError, assertImportHeader, exportContactsCsv, importContactBatch, IMPORT_BATCH, parseCsvStream, type ImportReport } from '../domain/csv';
import type { AppEnv } from '../env';
import { ApiError, badRequest, conflict } from '../errors';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { errorFields } from '../lib/log';
import { validate } from '../middleware/validate';
import { emitEvents } from '../webhooks-out/emit';

const idParam = z.object({ id: z.uuid() });
const noteParam = z.object({ id: z.uuid(), noteId: z.uuid() });
const listQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  label: z.uuid().optional(),
  /** key:value, e.g. plano:ouro or vip:true */
  attribute: z
    .string()
    .max(300)
    .regex(/^[a-z][a-z0-9_]{0,39}:.+$/s, 'must be key:value')
    .transform((s) => ({ key: s.slice(0, s.indexOf(':')), value: s.slice(s.indexOf(':') + 1) }))
    .optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});
const mergeBody = z.object({ otherId: z.uuid() });
const exportQuery = z.object({ format: z.enum(['csv', 'excel']).default('csv') });
const noteBody = z.object({ body: z.string().trim().min(1).max(10_000) });
const pageQuery = z.object({ cursor: z.string().max(200).optional(), limit: limitParam });

const attributeKey = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ (at most 40), starting with a letter');
const attributeOptions = z.array(z.string().trim().min(1).max(100)).max(100);
const createAttributeBody = z
  .object({
    key: attributeKey,
    label: z.string().trim().min(1).max(80),
    type: z.enum(['text', 'number', 'date', 'boolean', 'list']),
    options: attributeOptions.optional(),
    description: z.string().trim().max(300).nullable().optional(),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .refine((b) => (b.type === 'list' ? (b.options?.length ?? 0) > 0 : !b.options?.length), 'options are required for list attributes and only for them')
  .refine((b) => !b.options || new Set(b.options).size === b.options.length, 'options must be unique');
const updateAttributeBody = z
  .object({
    label: z.string().trim().min(1).max(80),
    options: attributeOptions.min(1),
    description: z.string().trim().max(300).nullable(),
    position: z.number().int().min(0).max(1000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .refine((b) => !b.options || new Set(b.options).size === b.options.length, 'options must be unique');

const attributeColumns = {
  id: contactAttributeDefinitions.id,
  key: contactAttributeDefinitions.key,
  label: contactAttributeDefinitions.label,
  type: contactAttributeDefinitions.type,
  options: contactAttributeDefinitions.options,
  description: contactAttributeDefinitions.description,
  position: contactAttributeDefinitions.position,
  createdAt: contactAttributeDefinitions.createdAt,
};

/** The contact, or 404 (audited when the id belongs to another organisation). Outside any transaction. */
async function requireContact(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const contact = await withOrg(c.var.db, actor.orgId, (tx) => findContact(tx, actor.orgId, id));
  if (!contact) return notFoundAudited(c, contacts, contacts.id, id, 'contact');
  return contact;
}

export function registerContacts(app: Hono<AppEnv>) {
  app.get('/api/v1/contacts', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const q = c.req.valid('query');
    const keyset = q.q ? undefined : decodeCursor(q.cursor);
    const result = await withOrg(c.var.db, actor.orgId, (tx) =>
      listContacts(tx, actor.orgId, { q: q.q, labelId: q.label, attribute: q.attribute, cursor: q.cursor, limit: q.limit }, keyset),
    );
    return c.json(result);
  });

  app.post('/api/v1/contacts', validate('json', createContactBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const body = c.req.valid('json');
    try {
      const contact = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const id = await createContact(tx, actor.orgId, body);
        await recordAudit(tx, { action: 'contact.created', ...byActor(actor), targetType: 'contact', targetId: id });
        return (await contactDto(tx, actor.orgId, id))!;
      });
      await emitEvents(c.env, actor.orgId, [{ type: 'contact.created', data: contact }], c.var.log);
      return c.json({ contact }, 201);
    } catch (err) {
      // Two requests creating the same number at once: the unique index decides.
      if (isUniqueViolation(err)) throw conflict('Another contact already has this WhatsApp id', 'contact_exists');
      throw err;
    }
  });

  // Before /:id, which would take "export" and "import" for ids.
  app.get('/api/v1/contacts/export', validate('query', exportQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.import');
    const { format } = c.req.valid('query');
    await withOrg(c.var.db, actor.orgId, (tx) =>
      recordAudit(tx, { action: 'contact.exported', ...byActor(actor), targetType: 'organization', targetId: actor.orgId }),
    );
    // The body streams after this handler returns, when the request's database handle is closed: the export has its
    // own, ended with the stream.
    const { db, pool } = createDb({ url: c.env.DATABASE_URL, wsProxy: c.env.DB_WS_PROXY });
    const chunks = exportContactsCsv((fn) => withOrg(db, actor.orgId, fn), actor.orgId, { format });
    const encoder = new TextEncoder();
    let finish!: () => void;
    c.executionCtx.waitUntil(new Promise<void>((resolve) => (finish = resolve)).then(() => pool.end().catch(() => {})));
    const stream = new ReadableStream<Uint8Array>({
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
    const day = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="contatos-${day}${format === 'excel' ? '-excel' : ''}.csv"` },
    });
  });

  app.post('/api/v1/contacts/import', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.import');
    const type = c.req.header('content-type') ?? '';
    if (!/^(text\/csv|application\/csv|text\/plain)\b/i.test(type)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the file as the request body with Content-Type: text/csv');
    }
    const body = c.req.raw.body;
    if (!body) throw badRequest('The CSV body is empty', 'invalid_csv');
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
    await withOrg(c.var.db, actor.orgId, (tx) =>
      recordAudit(tx, {
        action: 'contact.imported',
        ...byActor(actor),
        targetType: 'organization',
        targetId: actor.orgId,
        metadata: { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, failed: report.failed },
      }),
    );
    return c.json(report);
  });

  app.get('/api/v1/contacts/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const { id } = c.req.valid('param');
    const detail = await withOrg(c.var.db, actor.orgId, (tx) => contactDetail(tx, actor, id));
    if (!detail) return notFoundAudited(c, contacts, contacts.id, id, 'contact');
    return c.json(detail);
  });

  app.patch('/api/v1/contacts/:id', validate('param', idParam), validate('json', updateContactBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    let contact;
    try {
      contact = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const changed = await updateContact(tx, actor.orgId, id, body);
        if (!changed) return undefined;
        if (changed.length) await recordAudit(tx, { action: 'contact.updated', ...byActor(actor), targetType: 'contact', targetId: id, metadata: { changed } });
        return contactDto(tx, actor.orgId, id);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('Another contact already has this WhatsApp id', 'contact_exists');
      throw err;
    }
    if (!contact) return notFoundAudited(c, contacts, contacts.id, id, 'contact');
    await emitEvents(c.env, actor.orgId, [{ type: 'contact.updated', data: contact }], c.var.log);
    return c.json({ contact });
  });

  // LGPD erasure, for good: see domain/erasure.ts for what goes and what stays.
  app.delete('/api/v1/contacts/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.erase');
    const { id } = c.req.valid('param');
    const erased = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const result = await eraseContact(tx, actor.orgId, id);
      // Counts only: the audit log must not keep the personal data the erasure removes.
      if (result) await recordAudit(tx, { action: 'contact.erased', ...byActor(actor), targetType: 'contact', targetId: id, metadata: result.counts });
      return result;
    });
    if (!erased) return notFoundAudited(c, contacts, contacts.id, id, 'contact');
    try {
      await deleteMediaObjects(c.env.MEDIA, erased.mediaKeys);
    } catch (err) {
      // The rows are gone for good; the objects are orphans nothing points at. Keys are random, not personal data.
      c.var.log.error('erased contact media not deleted from R2', { ...errorFields(err), orgId: actor.orgId, keys: erased.mediaKeys.length });
    }
    // Open inboxes drop the conversations; deal boards stop showing the name on the contact's deals.
    await publishToInbox(
      c.env,
      actor.orgId,
      [...erased.conversationIds.map((cid) => ({ type: 'conversation.hidden', data: { id: cid } })), ...erased.deals.map((d) => dealBoardEvent('deal.updated', d))],
      c.var.log,
    );
    return c.json({ erased: erased.counts });
  });

  app.post('/api/v1/contacts/:id/merge', validate('param', idParam), validate('json', mergeBody), async (c) => {
    const actor = c.var.actor;
    // Merging deletes the other contact.
    authorize(actor, 'contacts.delete');
    const { id } = c.req.valid('param');
    const { otherId } = c.req.valid('json');
    if (otherId === id) throw badRequest('A contact cannot be merged into itself', 'same_contact');
    const outcome = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const other = await findContact(tx, actor.orgId, otherId);
      const result = await mergeContacts(tx, actor.orgId, id, otherId);
      if ('missing' in result) return result;
      await recordAudit(tx, {
        action: 'contact.merged',
        ...byActor(actor),
        targetType: 'contact',
        targetId: id,
        metadata: { ...result, merged: other ? contactSnapshot(other) : null },
      });
      return { result, contact: (await contactDto(tx, actor.orgId, id))! };
    });
    if ('missing' in outcome) return notFoundAudited(c, contacts, contacts.id, outcome.missing, 'contact');
    const { result, contact } = outcome;
    // The inbox shows the contact beside each conversation: the moved ones changed.
    if (result.movedConversationIds.length) {
      await notifyStored(c.env, c.var.db, actor.orgId, { created: [], updated: [], conversationIds: result.movedConversationIds }, c.var.log);
    }
    return c.json({ contact, ...result });
  });

  app.get('/api/v1/contacts/:id/notes', validate('param', idParam), validate('query', pageQuery), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    await requireContact(c, id);
    const rows = await withOrg(c.var.db, actor.orgId, (tx) => listNotes(tx, actor.orgId, id, decodeCursor(q.cursor), q.limit));
    return c.json(page(rows, q.limit));
  });

  app.post('/api/v1/contacts/:id/notes', validate('param', idParam), validate('json', noteBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const { id } = c.req.valid('param');
    const { body } = c.req.valid('json');
    await requireContact(c, id);
    const note = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [row] = await tx.insert(contactNotes).values({ organizationId: actor.orgId, contactId: id, authorId: actor.userId, body }).returning();
      return row!;
    });
    return c.json({ note: { id: note.id, contactId: id, body: note.body, author: { id: actor.userId }, createdAt: note.createdAt, updatedAt: note.updatedAt } }, 201);
  });

  app.delete('/api/v1/contacts/:id/notes/:noteId', validate('param', noteParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const { id, noteId } = c.req.valid('param');
    const deleted = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [note] = await tx
        .select()
        .from(contactNotes)
        .where(and(eq(contactNotes.organizationId, actor.orgId), eq(contactNotes.contactId, id), eq(contactNotes.id, noteId)));
      if (!note) return false;
      // Authors remove their own notes; admins and managers any.
      if (note.authorId !== actor.userId) authorize(actor, 'contacts.delete');
      await tx.delete(contactNotes).where(and(eq(contactNotes.organizationId, actor.orgId), eq(contactNotes.id, noteId)));
      return true;
    });
    if (!deleted) return notFoundAudited(c, contactNotes, contactNotes.id, noteId, 'note');
    return c.body(null, 204);
  });

  // ---- custom attribute definitions ----

  app.get('/api/v1/contact-attributes', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx
        .select(attributeColumns)
        .from(contactAttributeDefinitions)
        .where(eq(contactAttributeDefinitions.organizationId, actor.orgId))
        .orderBy(asc(contactAttributeDefinitions.position), asc(contactAttributeDefinitions.createdAt)),
    );
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/contact-attributes', validate('json', createAttributeBody), async (c) => {
    const actor = c.var.actor;
    // The organisation's contact vocabulary (labels, attributes) is kept by admins and managers.
    authorize(actor, 'labels.manage');
    const body = c.req.valid('json');
    try {
      const attribute = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const [row] = await tx
          .insert(contactAttributeDefinitions)
          .values({
            organizationId: actor.orgId,
            key: body.key,
            label: body.label,
            type: body.type,
            options: body.options ?? [],
            description: body.description ?? null,
            position: body.position ?? 0,
          })
          .returning(attributeColumns);
        await recordAudit(tx, { action: 'contact_attribute.created', ...byActor(actor), targetType: 'contact_attribute', targetId: row!.id, metadata: { key: body.key, type: body.type } });
        return row!;
      });
      return c.json({ attribute }, 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`An attribute "${body.key}" already exists`, 'attribute_exists');
      throw err;
    }
  });

  app.patch('/api/v1/contact-attributes/:id', validate('param', idParam), validate('json', updateAttributeBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'labels.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const attribute = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [current] = await tx
        .select()
        .from(contactAttributeDefinitions)
        .where(and(eq(contactAttributeDefinitions.organizationId, actor.orgId), eq(contactAttributeDefinitions.id, id)));
      if (!current) return undefined;
      if (body.options && current.type !== 'list') throw badRequest('Only list attributes have options', 'not_a_list');
      const [row] = await tx
        .update(contactAttributeDefinitions)
        .set({ ...body, updatedAt: new Date() })
        .where(and(eq(contactAttributeDefinitions.organizationId, actor.orgId), eq(contactAttributeDefinitions.id, id)))
        .returning(attributeColumns);
      await recordAudit(tx, { action: 'contact_attribute.updated', ...byActor(actor), targetType: 'contact_attribute', targetId: id, metadata: { changed: Object.keys(body) } });
      return row;
    });
    if (!attribute) return notFoundAudited(c, contactAttributeDefinitions, contactAttributeDefinitions.id, id, 'contact attribute');
    return c.json({ attribute });
  });

  app.delete('/api/v1/contact-attributes/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'labels.manage');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [row] = await tx
        .delete(contactAttributeDefinitions)
        .where(and(eq(contactAttributeDefinitions.organizationId, actor.orgId), eq(contactAttributeDefinitions.id, id)))
        .returning({ key: contactAttributeDefinitions.key });
      if (!row) return undefined;
      // The values go with the definition.
      await tx
        .update(contacts)
        .set({ attributes: sql`${contacts.attributes} - ${row.key}::text` })
        .where(and(eq(contacts.organizationId, actor.orgId), sql`${contacts.attributes} ? ${row.key}`));
      await recordAudit(tx, { action: 'contact_attribute.deleted', ...byActor(actor), targetType: 'contact_attribute', targetId: id, metadata: { key: row.key } });
      return row;
    });
    if (!removed) return notFoundAudited(c, contactAttributeDefinitions, contactAttributeDefinitions.id, id, 'contact attribute');
    return c.body(null, 204);
  });
}
