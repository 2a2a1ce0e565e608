// CRM extras around contacts: the organisation's typed custom attributes and the notes agents leave on a contact.
import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts';
import { idV7, timestamps } from './ids';
import { tenantId, users } from './platform';

export const contactAttributeTypeEnum = pgEnum('contact_attribute_type', ['text', 'number', 'date', 'boolean', 'list']);
export type ContactAttributeType = (typeof contactAttributeTypeEnum.enumValues)[number];

// What may be stored in contacts.attributes: one definition per key and organisation. Values are checked against
// these on every write (worker/domain/contacts.ts); the key and type never change once created.
export const contactAttributeDefinitions = pgTable(
  'contact_attribute_definitions',
  {
    id: idV7(),
    organizationId: tenantId(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: contactAttributeTypeEnum('type').notNull(),
    // The allowed values of a 'list' attribute, in display order; empty for other types.
    options: text('options').array().notNull().default(sql`'{}'::text[]`),
    description: text('description'),
    position: integer('position').notNull().default(0),
    ...timestamps(),
  },
  (t) => [uniqueIndex('contact_attribute_definitions_org_key_uq').on(t.organizationId, t.key)],
);
export type ContactAttributeDefinition = typeof contactAttributeDefinitions.$inferSelect;
export type NewContactAttributeDefinition = typeof contactAttributeDefinitions.$inferInsert;

export const contactNotes = pgTable(
  'contact_notes',
  {
    id: idV7(),
    organizationId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    ...timestamps(),
  },
  (t) => [index('contact_notes_org_contact_created_idx').on(t.organizationId, t.contactId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())],
);
export type ContactNote = typeof contactNotes.$inferSelect;
export type NewContactNote = typeof contactNotes.$inferInsert;
