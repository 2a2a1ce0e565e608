import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts';
import { idRandom, timestamps, tstz } from './ids';
import { tenantId, users } from './platform';

export const DATA_EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type DataExportStatus = (typeof DATA_EXPORT_STATUSES)[number];

/**
 * A data-subject access request (LGPD art. 18 II): everything held about one contact, built in the background by
 * queues/data-export.ts into one ZIP in R2. `state` is the consumer's position between queue messages; the file
 * goes from R2 once `expires_at` passes (worker/jobs/data-exports.ts), `file_deleted_at` says it did.
 */
export const dataExports = pgTable(
  'data_exports',
  {
    id: idRandom(),
    organizationId: tenantId(),
    // Set null, not cascade: an erased contact's export row stays until its file has been swept.
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    status: text('status').$type<DataExportStatus>().notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    state: jsonb('state').$type<Record<string, unknown>>().notNull().default({}),
    objectKey: text('object_key'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    error: text('error'),
    completedAt: tstz('completed_at'),
    expiresAt: tstz('expires_at'),
    fileDeletedAt: tstz('file_deleted_at'),
    ...timestamps(),
  },
  (t) => [
    index('data_exports_org_contact_idx').on(t.organizationId, t.contactId, t.createdAt),
    check('data_exports_status_ck', sql`${t.status} in ('queued', 'running', 'done', 'failed')`),
    check('data_exports_progress_ck', sql`${t.progress} between 0 and 100`),
  ],
);
export type DataExport = typeof dataExports.$inferSelect;
