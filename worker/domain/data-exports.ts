// LGPD access requests (art. 18 II): the export rows an admin starts, follows and downloads. The ZIP is built by
// queues/data-export.ts (steps in worker/domain/data-export-steps.ts); the daily sweep deletes it after 24 h.
import { and, desc, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { dataExports, type DataExport } from '../db/schema';
import type { Db } from '../db/client';
import { withOrg, type Tx } from '../db/tx';
import { ApiError } from '../errors';
import type { DataExport as DataExportDto } from '../schemas/data-exports';
import { findContact } from './contacts';

/** How long a finished export can be downloaded. */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** Where an export's objects live in R2: the ZIP and, while it is built, its staged parts. */
export const exportPrefix = (orgId: string, exportId: string) => `exports/${orgId}/${exportId}/`;
export const exportZipKey = (orgId: string, exportId: string) => `${exportPrefix(orgId, exportId)}dados.zip`;

const expired = (row: DataExport, now: number) => row.fileDeletedAt !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= now);

export function exportDto(row: DataExport, now = Date.now()): DataExportDto {
  return {
    id: row.id,
    contactId: row.contactId,
    status: row.status,
    progress: row.progress,
    error: row.error,
    sizeBytes: row.sizeBytes,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    downloadUrl: row.status === 'done' && !expired(row, now) ? `/api/v1/exports/${row.id}/download` : null,
  };
}

/**
 * Records the request (audited) and queues its first step (queues/data-export.ts); undefined when the organisation
 * has no such contact. A queue that refuses the message leaves the export failed, not waiting for ever.
 */
export async function startContactExport(db: Db, queue: Queue, actor: Actor, contactId: string) {
  const row = await withOrg(db, actor.orgId, (tx) => requestExport(tx, actor, contactId));
  if (!row) return undefined;
  try {
    await queue.send({ type: 'data_export.step', organizationId: actor.orgId, exportId: row.id, step: 0 }, { contentType: 'json' });
  } catch (err) {
    await withOrg(db, actor.orgId, (tx) => tx.update(dataExports).set({ status: 'failed', error: 'A fila não aceitou a exportação; tente novamente.' }).where(and(eq(dataExports.organizationId, actor.orgId), eq(dataExports.id, row.id))));
    throw err;
  }
  return row;
}

async function requestExport(tx: Tx, actor: Actor, contactId: string) {
  if (!(await findContact(tx, actor.orgId, contactId))) return undefined;
  const [row] = await tx.insert(dataExports).values({ organizationId: actor.orgId, contactId, requestedBy: actor.userId, state: { step: 0 } }).returning();
  await recordAudit(tx, { action: 'data_export.requested', ...byActor(actor), targetType: 'contact', targetId: contactId, metadata: { exportId: row!.id } });
  return row!;
}

export async function findExport(tx: Tx, orgId: string, id: string) {
  const [row] = await tx.select().from(dataExports).where(and(eq(dataExports.organizationId, orgId), eq(dataExports.id, id)));
  return row;
}

/** The contact's exports, newest first (the contact page shows the latest); undefined when there is no such contact. */
export async function listContactExports(tx: Tx, orgId: string, contactId: string, limit = 10) {
  if (!(await findContact(tx, orgId, contactId))) return undefined;
  return tx
    .select()
    .from(dataExports)
    .where(and(eq(dataExports.organizationId, orgId), eq(dataExports.contactId, contactId)))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.id))
    .limit(limit);
}

/**
 * The finished ZIP for download, audited: undefined when there is no such export, 409 while it is not done, 410
 * once the link expired or the file is gone.
 */
export async function openExportDownload(tx: Tx, bucket: R2Bucket, actor: Actor, id: string) {
  const row = await findExport(tx, actor.orgId, id);
  if (!row) return undefined;
  if (row.status !== 'done' || !row.objectKey) throw new ApiError(409, 'export_not_ready', 'The export is not finished');
  const gone = () => new ApiError(410, 'export_expired', 'The download link has expired; request a new export');
  if (expired(row, Date.now())) throw gone();
  const object = await bucket.get(row.objectKey);
  if (!object) throw gone();
  await recordAudit(tx, {
    action: 'data_export.downloaded',
    ...byActor(actor),
    targetType: 'contact',
    targetId: row.contactId ?? undefined,
    metadata: { exportId: row.id, sizeBytes: row.sizeBytes },
  });
  return { object, filename: `dados-contato-${row.contactId ?? row.id}.zip` };
}

/** Erasure (erasure-everywhere.ts): the contact's exports go with it; returns their R2 prefixes, emptied after commit. */
export async function deleteExportsOf(tx: Tx, orgId: string, contactId: string): Promise<string[]> {
  const rows = await tx
    .delete(dataExports)
    .where(and(eq(dataExports.organizationId, orgId), eq(dataExports.contactId, contactId)))
    .returning({ id: dataExports.id });
  return rows.map((r) => exportPrefix(orgId, r.id));
}

/** Deletes every object under the prefixes: a finished ZIP and any part staged by a build still running. */
export async function deleteExportObjects(bucket: R2Bucket, prefixes: string[]): Promise<number> {
  let deleted = 0;
  for (const prefix of prefixes) {
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ prefix, cursor });
      if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
      deleted += page.objects.length;
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  return deleted;
}

