// Contacts: the people an organisation talks to. Runs inside withOrg (RLS-scoped). One contact per WhatsApp id and
// per phone number; phones are E.164 (Brazil when no country code is given); `attributes` hold only what the
// organisation's attribute definitions allow; merging moves everything of one contact onto another.
import { and, asc, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import {
  contactAttributeDefinitions,
  contactLabels,
  contactNotes,
  contacts,
  conversations,
  deals,
  labels,
  messageReactions,
  type Contact,
  type ContactAttributeDefinition,
} from '../db/schema';
import type { Tx } from '../db/tx';
import { listNotes } from './contact-notes';
import { openPreviews, type ContentCrypto } from './content-crypto';
import type { createContactBody, MergeResult as ContactMerge, updateContactBody } from '../schemas/contacts';
import { ApiError, badRequest, conflict } from '../errors';
import { page, type Cursor } from '../lib/cursor';
import { recordWaAlias } from './contact-aliases';
import { contactHits } from './search';
import { dealColumns, dealDto } from './deals';
import { agentScope } from './conversations';
import { clearReaders } from './conversation-reads';

export const DEFAULT_REGION = 'BR';

// ---- phones -------------------------------------------------------------------------------------------------

/** E.164 for a phone typed any usual way ("(11) 98765-4321", "+351 912 345 678"), or null when it is not valid. */
export function toE164(input: string, region = DEFAULT_REGION): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), region as 'BR');
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function requireE164(input: string): string {
  const e164 = toE164(input);
  if (!e164) throw badRequest(`"${input}" is not a valid phone number (use +<country code> for numbers outside Brazil)`, 'invalid_phone');
  return e164;
}

/** WhatsApp ids are the international number's digits. */
export const waIdOf = (e164: string) => e164.replace(/^\+/, '');

// ---- custom attributes ---------------------------------------------------------------------------------------

export type AttributeValue = string | number | boolean;
export type AttributeDefs = Map<string, ContactAttributeDefinition>;

export async function attributeDefinitions(tx: Tx, orgId: string): Promise<AttributeDefs> {
  const rows = await tx
    .select()
    .from(contactAttributeDefinitions)
    .where(eq(contactAttributeDefinitions.organizationId, orgId))
    .orderBy(asc(contactAttributeDefinitions.position), asc(contactAttributeDefinitions.createdAt));
  return new Map(rows.map((d) => [d.key, d]));
}

const isoDate = z.iso.date();
const TEXT_MAX = 1000;

/**
 * The stored value of one attribute, or an error. JSON input must have the attribute's type; `fromText` (CSV cells)
 * also reads "12,5", "31/12/2025", "sim"/"não" and list options in any case.
 */
/** Why a value does not fit its attribute, for clients that translate (the CSV import report). */
export interface AttributeProblem {
  reason: 'unknown' | 'text' | 'too_long' | 'number' | 'date' | 'boolean' | 'list';
  /** too_long: the limit; list: the options, comma-separated. */
  max?: number;
  options?: string;
}
type Checked = { value: AttributeValue } | { error: string; problem: AttributeProblem };

export function attributeValue(def: ContactAttributeDefinition, raw: unknown, fromText = false): Checked {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  switch (def.type) {
    case 'text':
      if (text === undefined) return { error: 'must be text', problem: { reason: 'text' } };
      if (text.length > TEXT_MAX) return { error: `must be at most ${TEXT_MAX} characters`, problem: { reason: 'too_long', max: TEXT_MAX } };
      return { value: text };
    case 'number': {
      let n = raw;
      if (fromText && text !== undefined) n = Number(/^-?[\d.]*,\d+$/.test(text) ? text.replace(/\./g, '').replace(',', '.') : text);
      if (typeof n !== 'number' || !Number.isFinite(n) || (fromText && text === '')) return { error: 'must be a number', problem: { reason: 'number' } };
      return { value: n };
    }
    case 'date': {
      let d = text;
      const br = fromText && d ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(d) : null;
      if (br) d = `${br[3]}-${br[2]!.padStart(2, '0')}-${br[1]!.padStart(2, '0')}`;
      if (d === undefined || !isoDate.safeParse(d).success || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) {
        return { error: 'must be a date YYYY-MM-DD', problem: { reason: 'date' } };
      }
      return { value: d };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (fromText && text !== undefined) {
        const t = text.toLowerCase();
        if (['true', 'sim', 'yes', '1', 's', 'verdadeiro'].includes(t)) return { value: true };
        if (['false', 'não', 'nao', 'no', '0', 'n', 'falso'].includes(t)) return { value: false };
      }
      return { error: 'must be true or false', problem: { reason: 'boolean' } };
    }
    case 'list': {
      const notInList = { error: `must be one of: ${def.options.join(', ')}`, problem: { reason: 'list', options: def.options.join(', ') } } as const;
      if (text === undefined) return notInList;
      const option = fromText ? def.options.find((o) => o.toLowerCase() === text.toLowerCase()) : def.options.find((o) => o === text);
      return option === undefined ? notInList : { value: option };
    }
  }
}

/**
 * Applies a patch of attributes (null removes one) to the current ones; every key must be defined and every value
 * of the defined type. Returns the new attributes or the errors, one per offending key.
 */
export function applyAttributes(
  defs: AttributeDefs,
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
  fromText = false,
): { attributes: Record<string, unknown> } | { errors: string[]; problems: (AttributeProblem & { key: string })[] } {
  const next: Record<string, unknown> = { ...current };
  const errors: string[] = [];
  const problems: (AttributeProblem & { key: string })[] = [];
  for (const [key, raw] of Object.entries(patch)) {
    const def = defs.get(key);
    if (!def) {
      errors.push(`${key}: no such attribute (define it first)`);
      problems.push({ key, reason: 'unknown' });
      continue;
    }
    if (raw === null || (fromText && typeof raw === 'string' && raw.trim() === '')) {
      delete next[key];
      continue;
    }
    const checked = attributeValue(def, raw, fromText);
    if ('error' in checked) {
      errors.push(`${key}: ${checked.error}`);
      problems.push({ key, ...checked.problem });
    } else next[key] = checked.value;
  }
  return errors.length ? { errors, problems } : { attributes: next };
}

function attributesOrThrow(defs: AttributeDefs, current: Record<string, unknown>, patch: Record<string, unknown>) {
  const result = applyAttributes(defs, current, patch);
  if ('errors' in result) throw new ApiError(400, 'invalid_attributes', `Invalid attributes: ${result.errors.slice(0, 5).join('; ')}`);
  return result.attributes;
}

// ---- reading -------------------------------------------------------------------------------------------------

export const contactColumns = {
  id: contacts.id,
  name: contacts.name,
  profileName: contacts.profileName,
  phone: contacts.phoneE164,
  waId: contacts.waId,
  email: contacts.email,
  attributes: contacts.attributes,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

export async function labelsOf(tx: Tx, orgId: string, contactIds: string[]) {
  if (contactIds.length === 0) return new Map<string, { id: string; name: string; color: string }[]>();
  const rows = await tx
    .select({ contactId: contactLabels.contactId, id: labels.id, name: labels.name, color: labels.color })
    .from(contactLabels)
    .innerJoin(labels, eq(labels.id, contactLabels.labelId))
    .where(and(eq(contactLabels.organizationId, orgId), inArray(contactLabels.contactId, contactIds)))
    .orderBy(asc(labels.name));
  const byContact = new Map<string, { id: string; name: string; color: string }[]>();
  for (const { contactId, ...label } of rows) byContact.set(contactId, [...(byContact.get(contactId) ?? []), label]);
  return byContact;
}

async function withLabels<T extends { id: string }>(tx: Tx, orgId: string, rows: T[]) {
  const byContact = await labelsOf(tx, orgId, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, labels: byContact.get(r.id) ?? [] }));
}

export async function findContact(tx: Tx, orgId: string, id: string): Promise<Contact | undefined> {
  const [row] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, id), isNull(contacts.deletedAt)));
  return row;
}

export async function contactDto(tx: Tx, orgId: string, id: string) {
  const [row] = await tx
    .select(contactColumns)
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, id), isNull(contacts.deletedAt)));
  if (!row) return undefined;
  return (await withLabels(tx, orgId, [row]))[0]!;
}

export interface ContactFilter {
  q?: string;
  labelId?: string;
  attribute?: { key: string; value: string };
  cursor?: string;
  limit: number;
}

const OFFSET_PREFIX = 'o:';
/** Relevance-ordered pages (with q) page by position; the cursor says where the next page starts. */
export function encodeOffsetCursor(offset: number) {
  return btoa(`${OFFSET_PREFIX}${offset}`).replace(/=+$/, '');
}
function decodeOffsetCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const text = atob(cursor);
    const n = Number(text.slice(OFFSET_PREFIX.length));
    if (text.startsWith(OFFSET_PREFIX) && Number.isInteger(n) && n >= 0 && n <= 100_000) return n;
  } catch {}
  throw badRequest('cursor is not valid', 'invalid_cursor');
}

/** The SQL condition for `attribute=key:value`, the value read as the attribute's type. */
function attributeCondition(defs: AttributeDefs, key: string, value: string): SQL {
  const def = defs.get(key);
  if (!def) throw badRequest(`No attribute "${key}" is defined`, 'unknown_attribute');
  const checked = attributeValue(def, value, true);
  if ('error' in checked) throw badRequest(`attribute ${key}: ${checked.error}`, 'invalid_attribute_filter');
  return sql`${contacts.attributes} @> ${JSON.stringify({ [key]: checked.value })}::jsonb`;
}

/**
 * A page of contacts. Without q: newest first, keyset cursor. With q: best matches first (name with typos, or phone
 * digits; at most 1000 candidates), paged by position.
 */
export async function listContacts(tx: Tx, orgId: string, f: ContactFilter, keyset: Cursor | undefined) {
  const where: (SQL | undefined)[] = [eq(contacts.organizationId, orgId), isNull(contacts.deletedAt)];
  if (f.labelId) {
    where.push(
      sql`exists (select 1 from ${contactLabels} cl where cl.contact_id = ${contacts.id} and cl.organization_id = ${orgId} and cl.label_id = ${f.labelId})`,
    );
  }
  if (f.attribute) where.push(attributeCondition(await attributeDefinitions(tx, orgId), f.attribute.key, f.attribute.value));

  if (f.q) {
    const offset = decodeOffsetCursor(f.cursor);
    const hits = await contactHits(tx, f.q, 1000);
    if (hits.length === 0) return { data: [], nextCursor: null };
    const score = new Map(hits.map((h) => [h.id, h.score]));
    const rows = await tx
      .select(contactColumns)
      .from(contacts)
      .where(and(...where, inArray(contacts.id, [...score.keys()])));
    rows.sort((a, b) => score.get(b.id)! - score.get(a.id)! || (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id));
    const pageRows = rows.slice(offset, offset + f.limit);
    return {
      data: await withLabels(tx, orgId, pageRows),
      nextCursor: rows.length > offset + f.limit ? encodeOffsetCursor(offset + f.limit) : null,
    };
  }

  if (keyset) {
    where.push(or(lt(contacts.createdAt, keyset.createdAt), and(eq(contacts.createdAt, keyset.createdAt), lt(contacts.id, keyset.id))));
  }
  const rows = await tx
    .select(contactColumns)
    .from(contacts)
    .where(and(...where))
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(f.limit + 1);
  return page(await withLabels(tx, orgId, rows), f.limit);
}

/**
 * A contact with what the CRM screen shows beside it: conversations the actor may open, deals, latest notes (previews
 * and notes opened with `crypto`).
 */
export async function contactDetail(tx: Tx, crypto: ContentCrypto, actor: Actor, id: string) {
  const contact = await contactDto(tx, actor.orgId, id);
  if (!contact) return undefined;
  const visible: (SQL | undefined)[] = [eq(conversations.organizationId, actor.orgId), eq(conversations.contactId, id), isNull(conversations.deletedAt)];
  visible.push(agentScope(actor));
  const [history, contactDeals, notes] = [
    await tx
      .select({
        id: conversations.id,
        channelId: conversations.channelId,
        status: conversations.status,
        assigneeId: conversations.assigneeId,
        lastMessageAt: conversations.lastMessageAt,
        lastMessagePreview: conversations.lastMessagePreview,
        unreadCount: conversations.unreadCount,
        createdAt: conversations.createdAt,
        resolvedAt: conversations.resolvedAt,
      })
      .from(conversations)
      .where(and(...visible))
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.createdAt))
      .limit(100),
    await tx
      .select(dealColumns)
      .from(deals)
      .where(and(eq(deals.organizationId, actor.orgId), eq(deals.contactId, id), isNull(deals.deletedAt)))
      .orderBy(desc(deals.createdAt))
      .limit(100),
    await listNotes(tx, crypto, actor.orgId, id, undefined, 20),
  ];
  return { contact, conversations: await openPreviews(crypto, actor.orgId, history), deals: contactDeals.map(dealDto), notes: notes.slice(0, 20) };
}

// ---- writing -------------------------------------------------------------------------------------------------

/** 409 when another live contact of the organisation has this WhatsApp id or phone. */
async function assertUnique(tx: Tx, orgId: string, waId: string | null, phone: string | null, exceptId?: string) {
  const same = [waId ? eq(contacts.waId, waId) : undefined, phone ? eq(contacts.phoneE164, phone) : undefined].filter(Boolean) as SQL[];
  if (same.length === 0) return;
  const [other] = await tx
    .select({ id: contacts.id, waId: contacts.waId, deletedAt: contacts.deletedAt })
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), or(...same), exceptId ? ne(contacts.id, exceptId) : undefined))
    .limit(1);
  if (other) {
    throw conflict(`Another contact already has this ${other.waId === waId && waId ? 'WhatsApp id' : 'phone number'} (contact ${other.id})`, 'contact_exists');
  }
}

export async function createContact(tx: Tx, orgId: string, body: z.infer<typeof createContactBody>) {
  const phone = body.phone ? requireE164(body.phone) : null;
  const waId = body.waId ?? (phone ? waIdOf(phone) : null);
  const attributes = body.attributes ? attributesOrThrow(await attributeDefinitions(tx, orgId), {}, body.attributes) : {};
  await assertUnique(tx, orgId, waId, phone);
  const [row] = await tx
    .insert(contacts)
    .values({ organizationId: orgId, name: body.name, phoneE164: phone, waId, email: body.email ?? null, attributes })
    .returning({ id: contacts.id });
  return row!.id;
}

/** Applies an edit; returns the names of the fields that changed, or undefined when the contact does not exist. */
export async function updateContact(tx: Tx, orgId: string, id: string, body: z.infer<typeof updateContactBody>) {
  const [current] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, id), isNull(contacts.deletedAt)))
    .for('update');
  if (!current) return undefined;
  const patch: Partial<Contact> = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.email !== undefined) patch.email = body.email;
  if (body.attributes !== undefined) patch.attributes = attributesOrThrow(await attributeDefinitions(tx, orgId), current.attributes, body.attributes);
  if (body.phone !== undefined) {
    const phone = body.phone === null ? null : requireE164(body.phone);
    patch.phoneE164 = phone;
    // The WhatsApp id follows the phone while it is only derived from it (nobody has written from it yet).
    const derived = current.waId === null || (current.phoneE164 !== null && current.waId === waIdOf(current.phoneE164));
    if (derived && body.waId === undefined && !(await hasConversations(tx, orgId, id))) patch.waId = phone ? waIdOf(phone) : null;
  }
  if (body.waId !== undefined && body.waId !== current.waId) {
    // Replies go to the contact's WhatsApp id: once a conversation exists, changing it would send them elsewhere.
    if (current.waId !== null && (await hasConversations(tx, orgId, id))) {
      throw conflict('This contact has conversations on its WhatsApp id, which cannot change; merge contacts instead', 'whatsapp_id_in_use');
    }
    patch.waId = body.waId;
  }
  await assertUnique(
    tx,
    orgId,
    patch.waId !== undefined && patch.waId !== current.waId ? patch.waId : null,
    patch.phoneE164 !== undefined && patch.phoneE164 !== current.phoneE164 ? patch.phoneE164 : null,
    id,
  );
  const changed = Object.keys(patch).filter((k) => JSON.stringify(patch[k as keyof Contact]) !== JSON.stringify(current[k as keyof Contact]));
  if (changed.length > 0) {
    await tx.update(contacts).set(patch).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, id)));
  }
  return changed;
}

async function hasConversations(tx: Tx, orgId: string, contactId: string) {
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, contactId)))
    .limit(1);
  return Boolean(row);
}

/** What a merge did (the API's ContactMerge without the kept contact itself). */
export type MergeResult = Omit<ContactMerge, 'contact'>;

/**
 * Merges `otherId` into `keepId` and deletes `otherId`. Every conversation (with its messages), deal, label, note
 * and reaction moves to the kept contact; its empty fields are filled from the other, attributes are combined (the
 * kept contact's values win). Two conversations open on the same channel cannot both stay open (one active
 * conversation per channel and contact): the one with the older activity is resolved, none is deleted.
 */
export async function mergeContacts(tx: Tx, orgId: string, keepId: string, otherId: string): Promise<MergeResult | { missing: string }> {
  const rows = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), inArray(contacts.id, [keepId, otherId]), isNull(contacts.deletedAt)))
    .orderBy(asc(contacts.id))
    .for('update');
  const keep = rows.find((r) => r.id === keepId);
  const other = rows.find((r) => r.id === otherId);
  if (!keep) return { missing: keepId };
  if (!other) return { missing: otherId };

  // Active conversations of both on the same channel: keep the most recently active one open.
  const active = await tx
    .select({ id: conversations.id, contactId: conversations.contactId, channelId: conversations.channelId, at: sql<string>`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})` })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, orgId),
        inArray(conversations.contactId, [keepId, otherId]),
        ne(conversations.status, 'resolved'),
        isNull(conversations.deletedAt),
      ),
    )
    .for('update');
  const resolved: string[] = [];
  for (const channelId of new Set(active.map((a) => a.channelId))) {
    const pair = active.filter((a) => a.channelId === channelId);
    if (pair.length < 2) continue;
    pair.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
    resolved.push(...pair.slice(1).map((a) => a.id));
  }
  if (resolved.length) {
    await tx
      .update(conversations)
      .set({ status: 'resolved', resolvedAt: new Date(), snoozedUntil: null, unreadCount: 0, updatedAt: new Date() })
      .where(and(eq(conversations.organizationId, orgId), inArray(conversations.id, resolved)));
    await clearReaders(tx, orgId, resolved);
  }
  const moved = await tx
    .update(conversations)
    .set({ contactId: keepId, updatedAt: new Date() })
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, otherId)))
    .returning({ id: conversations.id });
  const movedDeals = await tx
    .update(deals)
    .set({ contactId: keepId })
    .where(and(eq(deals.organizationId, orgId), eq(deals.contactId, otherId)))
    .returning({ id: deals.id });
  await tx.execute(sql`
    insert into contact_labels (organization_id, contact_id, label_id, created_at)
    select organization_id, ${keepId}, label_id, created_at from contact_labels
     where organization_id = ${orgId} and contact_id = ${otherId}
    on conflict do nothing`);
  await tx.update(contactNotes).set({ contactId: keepId }).where(and(eq(contactNotes.organizationId, orgId), eq(contactNotes.contactId, otherId)));
  // A reaction is one per contact per message; the kept contact's own reaction wins.
  await tx.execute(sql`
    delete from message_reactions r
     where r.organization_id = ${orgId} and r.contact_id = ${otherId}
       and exists (select 1 from message_reactions k where k.message_id = r.message_id and k.contact_id = ${keepId})`);
  await tx
    .update(messageReactions)
    .set({ contactId: keepId })
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.contactId, otherId)));

  // The merged-away number keeps reaching the kept contact (when it does not take the number over itself), and
  // aliases that led to the other contact follow; written before the delete, which would cascade them away.
  await recordWaAlias(tx, orgId, keep.waId ? other.waId : null, keepId, otherId);
  // The other row goes first: the kept one may take over its WhatsApp id (unique per organisation).
  await tx.delete(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, otherId)));
  await tx
    .update(contacts)
    .set({
      name: keep.name ?? other.name,
      profileName: keep.profileName ?? other.profileName,
      email: keep.email ?? other.email,
      phoneE164: keep.phoneE164 ?? other.phoneE164,
      waId: keep.waId ?? other.waId,
      attributes: { ...other.attributes, ...keep.attributes },
      notes: [keep.notes, other.notes].filter(Boolean).join('\n\n') || null,
    })
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, keepId)));
  return {
    contactId: keepId,
    mergedContactId: otherId,
    movedConversationIds: moved.map((m) => m.id),
    resolvedConversationIds: resolved,
    movedDeals: movedDeals.length,
    droppedWaId: keep.waId && other.waId ? other.waId : null,
  };
}

/** What the audit log keeps of a contact that is merged away (it no longer exists afterwards). */
export function contactSnapshot(c: Contact) {
  return { id: c.id, name: c.name, profileName: c.profileName, phone: c.phoneE164, waId: c.waId, email: c.email, attributes: c.attributes };
}
