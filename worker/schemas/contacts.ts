// Contacts as the API takes and gives them: bodies and queries (validated), responses (documented, and the web
// app's types). The contact's labels, notes and deals come from their own schema files.
import { z } from 'zod';
import { conversationStatusEnum } from '../db/schema/enums';
import { instant, pageOf } from '../openapi/responses';
import { limitParam } from '../lib/cursor';
import { ContactNote } from './contact-notes';
import { Deal } from './deals';
import { LabelRef } from './labels';

export const createContactBody = z.object({
  name: z.string().trim().min(1).max(200),
  phone: z.string().trim().min(3).max(40).optional(),
  /** Only when it differs from the phone's digits (WhatsApp knows some numbers by another id). */
  waId: z.string().trim().regex(/^\d{6,15}$/, 'must be 6–15 digits').optional(),
  email: z.email().max(254).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export const updateContactBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(3).max(40).nullable(),
    waId: z.string().trim().regex(/^\d{6,15}$/, 'must be 6–15 digits'),
    email: z.email().max(254).nullable(),
    /** Merged into the current attributes; null removes one. */
    attributes: z.record(z.string(), z.unknown()),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export const contactListQuery = z.object({
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
export const mergeBody = z.object({ otherId: z.uuid() });
export const exportQuery = z.object({ format: z.enum(['csv', 'excel']).default('csv') });

export const Contact = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    /** The name the customer gave themselves on WhatsApp. */
    profileName: z.string().nullable(),
    /** E.164. */
    phone: z.string().nullable(),
    waId: z.string().nullable(),
    email: z.string().nullable(),
    /** Values of the organisation's contact attributes, by key. */
    attributes: z.record(z.string(), z.unknown()),
    labels: z.array(LabelRef),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Contact' });

/** A conversation as the contact screen lists it. */
export const ContactConversation = z
  .object({
    id: z.uuid(),
    channelId: z.uuid(),
    status: z.enum(conversationStatusEnum.enumValues),
    assigneeId: z.uuid().nullable(),
    lastMessageAt: instant.nullable(),
    lastMessagePreview: z.string().nullable(),
    unreadCount: z.number().int(),
    createdAt: instant,
    resolvedAt: instant.nullable(),
  })
  .meta({ id: 'ContactConversation' });

export const ContactDetail = z
  .object({
    contact: Contact,
    /** Those the caller may open (agents: their own and unassigned), latest first, at most 100. */
    conversations: z.array(ContactConversation),
    deals: z.array(Deal),
    /** The latest 20. */
    notes: z.array(ContactNote),
  })
  .meta({ id: 'ContactDetail' });

export const ContactPage = pageOf(Contact);

export const MergeResult = z
  .object({
    contact: Contact,
    contactId: z.uuid(),
    mergedContactId: z.uuid(),
    movedConversationIds: z.array(z.uuid()),
    /** Active conversations resolved because the kept contact already had one open on the same channel. */
    resolvedConversationIds: z.array(z.uuid()),
    movedDeals: z.number().int(),
    /** The merged contact's WhatsApp id when the kept contact keeps its own: it becomes an alias. */
    droppedWaId: z.string().nullable(),
  })
  .meta({ id: 'ContactMerge' });

export const Erasure = z
  .object({ erased: z.object({ conversations: z.number().int(), messages: z.number().int(), media: z.number().int() }) })
  .meta({ id: 'ContactErasure' });

/**
 * Why a row was not imported. `code` and `params` are stable for clients to translate; `error` is the same in
 * English for API clients.
 */
export const RowErrorCode = z.enum([
  'missing_phone',
  'invalid_phone',
  'invalid_email',
  'name_too_long',
  'invalid_attribute',
  'too_many_cells',
  'malformed_quotes',
  'created_concurrently',
]);
export const RowError = z.object({
  row: z.number().int(),
  code: RowErrorCode,
  /** invalid_phone/invalid_email: value; name_too_long: max; invalid_attribute: attribute, reason, max or options
   * (the first failing attribute; `error` lists them all); malformed_quotes: detail. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  error: z.string(),
});
export const ImportReport = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
    errors: z.array(RowError),
    ignoredColumns: z.array(z.string()),
  })
  .meta({ id: 'ContactImportReport' });

export type Contact = z.infer<typeof Contact>;
export type ContactConversation = z.infer<typeof ContactConversation>;
export type ContactDetail = z.infer<typeof ContactDetail>;
export type MergeResult = z.infer<typeof MergeResult>;
export type RowErrorCode = z.infer<typeof RowErrorCode>;
export type RowError = z.infer<typeof RowError>;
export type ImportReport = z.infer<typeof ImportReport>;
export type ContactBody = z.input<typeof createContactBody>;
export type ContactUpdateBody = z.input<typeof updateContactBody>;
