import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { labels } from './content';
import { createdAt, idRandom, timestamps, tstz } from './ids';
import { tenantId } from './platform';

export const contacts = pgTable(
  'contacts',
  {
    id: idRandom(),
    organizationId: tenantId(),
    // Null for contacts created by hand before they ever wrote in.
    waId: text('wa_id'),
    phoneE164: text('phone_e164'),
    name: text('name'),
    profileName: text('profile_name'),
    email: text('email'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    notes: text('notes'),
    ...timestamps(),
    deletedAt: tstz('deleted_at'),
    // Maintained by Postgres (migration 0008): the unaccented, lower-cased name search compares against (trigram
    // index contacts_search_name_trgm_idx, SQL-only). Never written by the app.
    searchName: text('search_name').generatedAlwaysAs(sql`public.conversa_contact_search_text(name, profile_name)`),
  },
  (t) => [
    uniqueIndex('contacts_org_wa_id_uq').on(t.organizationId, t.waId),
    index('contacts_org_phone_idx').on(t.organizationId, t.phoneE164),
  ],
);
export type Contact = typeof contacts.$inferSelect;
export type NewContact = typeof contacts.$inferInsert;

/**
 * WhatsApp ids that reach a contact other than the one that had them: after a merge, the merged-away contact's
 * number still writes in, and ingest finds the kept contact here. A contact's own wa_id always wins over an alias.
 * Goes with the contact (erasure deletes it).
 */
export const contactWaAliases = pgTable(
  'contact_wa_aliases',
  {
    organizationId: tenantId(),
    waId: text('wa_id').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'contact_wa_aliases_pk', columns: [t.organizationId, t.waId] }),
    index('contact_wa_aliases_org_contact_idx').on(t.organizationId, t.contactId),
  ],
);
export type ContactWaAlias = typeof contactWaAliases.$inferSelect;

export const contactLabels = pgTable(
  'contact_labels',
  {
    organizationId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    labelId: uuid('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'contact_labels_pk', columns: [t.contactId, t.labelId] }),
    index('contact_labels_org_label_idx').on(t.organizationId, t.labelId),
  ],
);
export type ContactLabel = typeof contactLabels.$inferSelect;
export type NewContactLabel = typeof contactLabels.$inferInsert;
