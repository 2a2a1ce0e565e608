// LGPD access-request exports (issue 21 §1) as the API gives them.
import { z } from 'zod';
import { instant } from '../openapi/responses';
import { DATA_EXPORT_STATUSES } from '../db/schema/exports';

export const DataExport = z
  .object({
    id: z.uuid(),
    /** Null once the contact has been erased. */
    contactId: z.uuid().nullable(),
    status: z.enum(DATA_EXPORT_STATUSES),
    /** 0–100. */
    progress: z.number().int(),
    error: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    createdAt: instant,
    completedAt: instant.nullable(),
    /** The download works until then (24 h after completion); then 410. */
    expiresAt: instant.nullable(),
    /** Set while the ZIP can be downloaded (admins, with their credentials). */
    downloadUrl: z.string().nullable(),
  })
  .meta({ id: 'DataExport' });
export type DataExport = z.infer<typeof DataExport>;

export const DataExportResponse = z.object({ export: DataExport });
export const DataExportList = z.object({ data: z.array(DataExport) });
