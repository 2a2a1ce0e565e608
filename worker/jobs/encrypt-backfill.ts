// Seals the plaintext written before content encryption existed (issue 21 §4): message bodies (with their search
// document, in the same UPDATE), conversation previews and contact notes, per organisation, in batches of BATCH rows.
// Idempotent: only values not yet `enc:v1:` are read. Safe against a concurrent edit: each row is updated only if it
// still holds the plaintext that was read (`… and body = <what was read>`); a row edited meanwhile is left for the
// next run. Run by the daily cron (bounded per organisation and in time) and by `npm run keys:encrypt-existing`.
//
// Batches are keyset-paged in the order of an index that starts with organization_id, so a run reads each row once:
// messages by (conversation_id, created_at desc, id desc), notes by (contact_id, created_at desc, id desc),
// conversations by (created_at desc, id desc).
import { asc, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { organizations } from '../db/schema';
import { withOrg } from '../db/tx';
import { messageContext, noteContext, previewContext } from '../domain/content-crypto';
import { activeDataKey } from '../domain/organization-keys';
import { encryptField } from '../lib/envelope';
import { errorFields, type Logger } from '../lib/log';

export const BATCH = 500;
/** Batches per table per organisation in one cron run (the operator's command has no bound). */
export const CRON_BATCHES = 20;
/** The cron run stops starting batches after this long; what is left waits for the next run. */
export const CRON_BUDGET_MS = 5 * 60_000;
/**
 * The cron leaves rows younger than this to the next day: they are the busiest (previews change with every message)
 * and, during a rollout, may come from an isolate still running the previous version.
 */
export const CRON_MIN_AGE_MS = 60 * 60_000;

interface Target {
  table: string;
  column: string;
  /** The column between organization_id and created_at in the index the batches follow. */
  group: string | null;
  context: (orgId: string, id: string) => string;
  /** Messages: the search document is recomputed from the plaintext (the trigger does so only for plaintext bodies). */
  searchDocument: boolean;
}

const TARGETS = {
  messages: { table: 'messages', column: 'body', group: 'conversation_id', context: (_o, id) => messageContext(id), searchDocument: true },
  previews: { table: 'conversations', column: 'last_message_preview', group: null, context: (orgId) => previewContext(orgId), searchDocument: false },
  notes: { table: 'contact_notes', column: 'body', group: 'contact_id', context: (_o, id) => noteContext(id), searchDocument: false },
} satisfies Record<string, Target>;

export type Sealed = Record<keyof typeof TARGETS, number>;

interface Cursor {
  group: string | null;
  at: string;
  id: string;
}

type Row = {
  id: string;
  grp: string | null;
  at: string;
  plain: string;
};

export interface BackfillOptions {
  batch?: number;
  /** Batches per table per organisation; Infinity for one full pass. */
  maxBatches?: number;
  /** Epoch ms after which no new batch starts. */
  deadline?: number;
  /** Only rows created before this. */
  createdBefore?: Date;
  /** Called between reading a batch and writing it back (tests: an edit made meanwhile). */
  beforeWrite?: (ids: string[]) => Promise<void>;
}

export interface BackfillResult {
  organizations: number;
  sealed: Sealed;
  /** Organisations where a bound stopped the run before every table was read to its end. */
  unfinished: number;
}

/** One pass over every organisation. Does nothing when no master key is configured. */
export async function encryptLegacyContent(secret: string | undefined, db: Db, log: Logger, opts: BackfillOptions = {}): Promise<BackfillResult> {
  const result: BackfillResult = { organizations: 0, sealed: { messages: 0, previews: 0, notes: 0 }, unfinished: 0 };
  if (!secret) return result;
  const orgs = await db.select({ id: organizations.id }).from(organizations).orderBy(asc(organizations.id));
  for (const org of orgs) {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) {
      result.unfinished++;
      continue;
    }
    try {
      const { sealed, finished } = await backfillOrganization(db, secret, org.id, opts);
      result.organizations++;
      if (!finished) result.unfinished++;
      for (const k of Object.keys(sealed) as (keyof Sealed)[]) result.sealed[k] += sealed[k];
    } catch (err) {
      // One organisation's failure (e.g. a key that does not unwrap) must not stop the others.
      log.error('encryption backfill failed for organisation', { ...errorFields(err), orgId: org.id });
      result.unfinished++;
    }
  }
  return result;
}

/** Seals one organisation's legacy plaintext, table by table. */
export async function backfillOrganization(db: Db, secret: string, orgId: string, opts: BackfillOptions = {}): Promise<{ sealed: Sealed; finished: boolean }> {
  const sealed: Sealed = { messages: 0, previews: 0, notes: 0 };
  let finished = true;
  for (const [name, target] of Object.entries(TARGETS) as [keyof Sealed, Target][]) {
    let cursor: Cursor | null = null;
    let batches = 0;
    for (;;) {
      if (batches >= (opts.maxBatches ?? CRON_BATCHES) || (opts.deadline !== undefined && Date.now() > opts.deadline)) {
        finished = false;
        break;
      }
      batches++;
      const rows = await withOrg(db, orgId, (tx) => tx.execute<Row>(selectBatch(target, orgId, cursor, opts))).then((r) => r.rows);
      if (!rows.length) break;
      const last = rows[rows.length - 1]!;
      cursor = { group: last.grp, at: last.at, id: last.id };
      // The key is looked up (and created on first use) before the writing transaction opens.
      const key = await activeDataKey(db, secret, orgId);
      const values = await Promise.all(
        rows.map(async (r) => ({ id: r.id, plain: r.plain, sealed: await encryptField(key, r.plain, target.context(orgId, r.id)) })),
      );
      await opts.beforeWrite?.(rows.map((r) => r.id));
      sealed[name] += await withOrg(db, orgId, (tx) => tx.execute(updateBatch(target, orgId, values))).then((r) => r.rowCount ?? 0);
      if (rows.length < (opts.batch ?? BATCH)) break;
    }
  }
  if (sealed.messages + sealed.previews + sealed.notes > 0) {
    await withOrg(db, orgId, (tx) =>
      recordAudit(tx, { action: 'encryption.backfilled', organizationId: orgId, actorType: 'system', targetType: 'organization', targetId: orgId, metadata: { ...sealed } }),
    );
  }
  return { sealed, finished };
}

function selectBatch(t: Target, orgId: string, cursor: Cursor | null, opts: BackfillOptions): SQL {
  const col = sql.identifier(t.column);
  const group = t.group ? sql.identifier(t.group) : null;
  const older = cursor ? sql`(created_at, id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : null;
  let after = sql``;
  if (cursor && group) after = sql`and ${group} >= ${cursor.group}::uuid and (${group} > ${cursor.group}::uuid or ${older})`;
  else if (cursor) after = sql`and ${older}`;
  return sql`
    select id, ${group ? sql`${group}::text` : sql`null::text`} as grp, created_at::text as at, ${col} as plain
      from ${sql.identifier(t.table)}
     where organization_id = ${orgId}
       and ${col} is not null and ${col} <> '' and ${col} not like 'enc:v1:%'
       ${after}
       ${opts.createdBefore ? sql`and created_at < ${opts.createdBefore.toISOString()}::timestamptz` : sql``}
     order by ${group ? sql`${group}, ` : sql``}created_at desc, id desc
     limit ${opts.batch ?? BATCH}`;
}

function updateBatch(t: Target, orgId: string, values: { id: string; plain: string; sealed: string }[]): SQL {
  const col = sql.identifier(t.column);
  // public.conversa_fts is what searchDocument() writes for a new message: the same document, from the plaintext.
  // Plain SQL, not drizzle's update: sealing is not an edit, so updated_at stays as it was.
  return sql`
    update ${sql.identifier(t.table)} t
       set ${col} = v.sealed${t.searchDocument ? sql`, search_vector = public.conversa_fts(v.plain)` : sql``}
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, plain text, sealed text)
     where t.organization_id = ${orgId} and t.id = v.id and t.${col} = v.plain`;
}
