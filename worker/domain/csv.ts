// CSV in and out, with papaparse. Import reads the request body as a stream: papaparse parses each chunk as it
// arrives (quotes, embedded newlines, ; or , delimiters) and the rows are written in batches, one transaction
// each, before more of the body is read; memory stays bounded by a chunk plus a batch. Export streams pages of
// contacts the same way.
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import Papa from 'papaparse';
import { z } from 'zod';
import { contactLabels, contacts, organizations, type Contact } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import { applyAttributes, attributeDefinitions, labelsOf, toE164, waIdOf, type AttributeDefs } from './contacts';
import type { ImportReport, RowError } from './import-report';
import { labelsByName } from './labels';

// ---- streaming parse ------------------------------------------------------------------------------------------

export interface CsvRecord {
  /** The record's number in the file, the header row being 1 (blank lines are not counted). */
  row: number;
  data: Record<string, string>;
}
export type { ImportReport, RowError } from './import-report';

/**
 * Just enough of a Node readable stream for papaparse's streaming parser: we push decoded text into it as the
 * body arrives; papaparse parses each piece synchronously and hands complete rows to `chunk`.
 */
class PushSource {
  readonly readable = true;
  private listeners = new Map<string, ((arg?: unknown) => void)[]>();
  read() {
    return null;
  }
  on(event: string, fn: (arg?: unknown) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  removeListener(event: string, fn: (arg?: unknown) => void) {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
    return this;
  }
  pause() {}
  resume() {}
  emit(event: 'data' | 'end', arg?: string) {
    for (const fn of this.listeners.get(event) ?? []) fn(arg);
  }
}

/**
 * Parses a CSV body with a header row (names trimmed and lower-cased), calling `onBatch` with up to `batchSize`
 * records at a time; the next part of the body is only read once it returns. Malformed rows come as errors.
 */
// papaparse re-reads an unfinished row from its start with every piece it is given, so tiny pieces (the runtime
// hands over a few KB at a time) make a long row quadratic: pieces of at least this size keep that bounded. The
// first piece also lets it guess the delimiter (, or ;) from a sizeable sample.
const PIECE = 64 * 1024;

export async function parseCsvStream(
  body: ReadableStream<Uint8Array>,
  batchSize: number,
  onBatch: (records: CsvRecord[], errors: RowError[], fields: string[]) => Promise<void>,
): Promise<void> {
  const source = new PushSource();
  let records: CsvRecord[] = [];
  let errors: RowError[] = [];
  let fields: string[] = [];
  let parsedRows = 0;
  let failure: unknown;
  Papa.parse<Record<string, unknown>>(source as unknown as Papa.LocalFile, {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim().toLowerCase(),
    beforeFirstChunk: (chunk) => chunk.replace(/^\uFEFF/, ''),
    chunk: (results: Papa.ParseResult<Record<string, unknown>>) => {
      fields = results.meta.fields ?? fields;
      const base = parsedRows;
      const bad = new Map<number, Omit<RowError, 'row'>>();
      for (const e of results.errors) {
        // TooFewFields is a row whose trailing empty cells were left out: harmless.
        if (e.code === 'TooFewFields' || e.code === 'UndetectableDelimiter' || e.row === undefined) continue;
        // Field-count errors carry the row's index in the whole file, quote errors its index in this chunk.
        const index = e.type === 'FieldMismatch' ? e.row - base : e.row;
        bad.set(
          index,
          e.code === 'TooManyFields'
            ? { code: 'too_many_cells', error: 'more cells than header columns' }
            : { code: 'malformed_quotes', params: { detail: e.code }, error: `malformed quotes (${e.code})` },
        );
      }
      results.data.forEach((raw, i) => {
        const row = base + i + 2;
        const problem = bad.get(i);
        if (problem) return void errors.push({ row, ...problem });
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') data[k] = v;
        records.push({ row, data });
      });
      parsedRows += results.data.length;
    },
    complete: () => {},
    error: (err: unknown) => {
      failure = err;
    },
  });
  const flush = async () => {
    if (records.length === 0 && errors.length === 0) return;
    const [r, e] = [records, errors];
    records = [];
    errors = [];
    // One piece may hold more rows than a batch.
    for (let at = 0; at === 0 || at < r.length; at += batchSize) await onBatch(r.slice(at, at + batchSize), at === 0 ? e : [], fields);
  };
  const reader = body.getReader();
  const decoder = csvDecoder();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        pending += decoder.end();
        break;
      }
      if (!value) continue;
      pending += decoder.push(value);
      if (pending.length < PIECE) continue;
      source.emit('data', pending);
      pending = '';
      if (failure) throw failure;
      if (records.length >= batchSize) await flush();
    }
    if (pending) source.emit('data', pending);
    source.emit('end');
    if (failure) throw failure;
    await flush();
  } finally {
    reader.releaseLock();
  }
}

/**
 * Text from the file's bytes, whatever Excel saved: UTF-8 (with or without BOM) or, failing that, Windows-1252 —
 * what Excel in Portuguese writes for "CSV (separado por vírgulas)". UTF-8 is decoded strictly: the first byte that
 * is not UTF-8 switches to Windows-1252 while everything before was plain ASCII (both read it alike); after real
 * UTF-8 text it means a mixed file, refused rather than imported with broken accents.
 */
export function csvDecoder() {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let latin: TextDecoder | null = null;
  let asciiSoFar = true;
  // A multi-byte sequence cut at a piece's end waits inside the strict decoder: when that turns out not to be UTF-8,
  // those bytes (the trailing run of bytes ≥ 0x80 of the previous piece, as all text so far was ASCII) are re-read.
  let previous: Uint8Array = new Uint8Array(0);
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    if (latin) return latin.decode(bytes, { stream });
    try {
      const text = utf8.decode(bytes, { stream });
      if (asciiSoFar && /[^\x00-\x7f]/.test(text)) asciiSoFar = false;
      previous = bytes;
      return text;
    } catch {
      // Valid multi-byte UTF-8 in this piece before the bad byte: real UTF-8 text too, so a mixed file.
      const lenient = new TextDecoder('utf-8').decode(bytes);
      if (/[^\x00-\x7f\ufffd]/.test(lenient)) asciiSoFar = false;
      if (!asciiSoFar) {
        throw new ApiError(422, 'invalid_encoding', 'The file mixes UTF-8 with another encoding; save it again as "CSV UTF-8" and import it again');
      }
      let cut = previous.length;
      while (cut > 0 && previous[cut - 1]! >= 0x80) cut--;
      const carried = previous.subarray(cut);
      const joined = new Uint8Array(carried.length + bytes.length);
      joined.set(carried);
      joined.set(bytes, carried.length);
      latin = new TextDecoder('windows-1252');
      return latin.decode(joined, { stream });
    }
  };
  return {
    push: (bytes: Uint8Array) => decode(bytes, true),
    end: () => decode(new Uint8Array(0), false),
    encoding: () => (latin ? 'windows-1252' : 'utf-8'),
  };
}

// ---- contact import -----------------------------------------------------------------------------------------

/** Header names we read, English and Portuguese; anything else must be an attribute key (or is ignored). */
const COLUMN_ALIASES: Record<string, 'name' | 'phone' | 'email' | 'labels' | 'ignore'> = {
  name: 'name',
  nome: 'name',
  phone: 'phone',
  telefone: 'phone',
  celular: 'phone',
  whatsapp: 'phone',
  email: 'email',
  'e-mail': 'email',
  labels: 'labels',
  etiquetas: 'labels',
  // Written by the export; re-importing an export must work.
  id: 'ignore',
  whatsapp_id: 'ignore',
  profile_name: 'ignore',
  created_at: 'ignore',
  // The Excel (pt-BR) export's headers.
  'id do whatsapp': 'ignore',
  'nome no whatsapp': 'ignore',
  'criado em': 'ignore',
};

export const IMPORT_BATCH = 200;
const MAX_REPORTED_ERRORS = 1000;

interface ImportRow {
  row: number;
  phone: string;
  name: string | null;
  email: string | null;
  attributes: Record<string, string>;
  labels: string[];
}

const email = z.email().max(254);
const NAME_MAX = 200;
/** Undo the quote the export puts before cells that would start a formula in a spreadsheet. */
const cell = (v: string | undefined) => (v ?? '').trim().replace(/^'(?=[=+\-@])/, '');

function readRow(rec: CsvRecord, defs: AttributeDefs): ImportRow | RowError {
  const byRole: Partial<Record<'name' | 'phone' | 'email' | 'labels', string>> = {};
  const attributes: Record<string, string> = {};
  for (const [column, raw] of Object.entries(rec.data)) {
    const role = COLUMN_ALIASES[column];
    if (role === 'ignore') continue;
    if (role) byRole[role] ||= cell(raw);
    else {
      const key = attributeKey(column);
      if (defs.has(key) && cell(raw) !== '') attributes[key] = cell(raw);
    }
  }
  const row = rec.row;
  if (!byRole.phone) return { row, code: 'missing_phone', error: 'phone is required' };
  const phone = toE164(byRole.phone);
  if (!phone) return { row, code: 'invalid_phone', params: { value: byRole.phone }, error: `phone "${byRole.phone}" is not a valid number` };
  if (byRole.email && !email.safeParse(byRole.email).success) {
    return { row, code: 'invalid_email', params: { value: byRole.email }, error: `email "${byRole.email}" is not valid` };
  }
  if (byRole.name && byRole.name.length > NAME_MAX) return { row, code: 'name_too_long', params: { max: NAME_MAX }, error: `name is longer than ${NAME_MAX} characters` };
  const checked = applyAttributes(defs, {}, attributes, true);
  if ('errors' in checked) {
    const { key, ...problem } = checked.problems[0]!;
    return { row, code: 'invalid_attribute', params: { attribute: key, ...problem }, error: checked.errors.join('; ') };
  }
  return {
    row: rec.row,
    phone,
    name: byRole.name || null,
    email: byRole.email || null,
    attributes,
    labels: (byRole.labels ?? '').split(/[;,|]/).map((l) => l.trim()).filter(Boolean),
  };
}

export function ignoredColumns(fields: string[], defs: AttributeDefs): string[] {
  return fields.filter((f) => !COLUMN_ALIASES[f] && !defs.has(attributeKey(f)));
}

/** An attribute column: `key`, `attributes.key`, or the Excel export's `key (Label)`. */
function attributeKey(column: string): string {
  const key = column.startsWith('attributes.') ? column.slice('attributes.'.length) : column;
  return /^[a-z][a-z0-9_]* \(.*\)$/s.test(key) ? key.slice(0, key.indexOf(' ')) : key;
}

export function assertImportHeader(fields: string[]) {
  if (!fields.some((f) => COLUMN_ALIASES[f] === 'phone')) {
    throw new ApiError(400, 'invalid_csv', 'The CSV needs a header row with a phone column (phone, telefone, celular or whatsapp)');
  }
}

/**
 * Writes one batch of rows: a contact per phone number, created or updated in place (empty cells change nothing),
 * so importing the same file twice changes nothing the second time. Labels are added, never removed.
 */
export async function importContactBatch(tx: Tx, orgId: string, records: CsvRecord[], fields: string[], report: ImportReport): Promise<void> {
  const defs = await attributeDefinitions(tx, orgId);
  report.ignoredColumns = ignoredColumns(fields, defs);
  const byPhone = new Map<string, ImportRow>();
  for (const rec of records) {
    const r = readRow(rec, defs);
    if ('error' in r) {
      addError(report, r);
      continue;
    }
    // The same phone twice in a file: the later row wins, cell by cell.
    const prev = byPhone.get(r.phone);
    byPhone.set(
      r.phone,
      prev
        ? { ...r, name: r.name ?? prev.name, email: r.email ?? prev.email, attributes: { ...prev.attributes, ...r.attributes }, labels: [...prev.labels, ...r.labels] }
        : r,
    );
  }
  if (byPhone.size === 0) return;
  const phones = [...byPhone.keys()];
  const existing = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), or(inArray(contacts.phoneE164, phones), inArray(contacts.waId, phones.map(waIdOf)))));
  const match = new Map<string, Contact>();
  for (const c of existing) {
    // A live contact with the phone beats one found by WhatsApp id or a deleted one.
    for (const phone of phones) {
      if (c.phoneE164 !== phone && c.waId !== waIdOf(phone)) continue;
      const prev = match.get(phone);
      const rank = (x: Contact) => (x.deletedAt ? 0 : 2) + (x.phoneE164 === phone ? 1 : 0);
      if (!prev || rank(c) > rank(prev)) match.set(phone, c);
    }
  }

  const toCreate = [...byPhone.values()].filter((r) => !match.has(r.phone));
  const contactIdOf = new Map<string, string>();
  if (toCreate.length) {
    const created = await tx
      .insert(contacts)
      .values(
        toCreate.map((r) => ({
          organizationId: orgId,
          phoneE164: r.phone,
          waId: waIdOf(r.phone),
          name: r.name,
          email: r.email,
          attributes: (applyAttributes(defs, {}, r.attributes, true) as { attributes: Record<string, unknown> }).attributes,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: contacts.id, phone: contacts.phoneE164 });
    for (const c of created) contactIdOf.set(c.phone!, c.id);
    report.created += created.length;
    for (const r of toCreate) if (!contactIdOf.has(r.phone)) addError(report, { row: r.row, code: 'created_concurrently', error: 'another contact was created with this number meanwhile; import again' });
  }

  const updates: { id: string; name: string | null; email: string | null; attributes: Record<string, unknown> }[] = [];
  for (const [phone, c] of match) {
    const r = byPhone.get(phone)!;
    contactIdOf.set(phone, c.id);
    const attributes = (applyAttributes(defs, c.attributes, r.attributes, true) as { attributes: Record<string, unknown> }).attributes;
    const next = { id: c.id, name: r.name ?? c.name, email: r.email ?? c.email, attributes };
    const same = next.name === c.name && next.email === c.email && JSON.stringify(sortKeys(attributes)) === JSON.stringify(sortKeys(c.attributes)) && !c.deletedAt;
    if (same) report.unchanged++;
    else updates.push(next);
  }
  if (updates.length) {
    await tx.execute(sql`
      update contacts c
         set name = u.name, email = u.email, attributes = u.attributes, deleted_at = null, updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as u(id uuid, name text, email text, attributes jsonb)
       where c.id = u.id and c.organization_id = ${orgId}`);
    report.updated += updates.length;
  }

  const wanted = [...byPhone.values()].filter((r) => r.labels.length && contactIdOf.has(r.phone));
  if (wanted.length) {
    const labelIds = await labelsByName(tx, orgId, wanted.flatMap((r) => r.labels));
    const pairs = wanted.flatMap((r) =>
      [...new Set(r.labels.map((l) => labelIds.get(l.toLowerCase())).filter(Boolean) as string[])].map((labelId) => ({
        organizationId: orgId,
        contactId: contactIdOf.get(r.phone)!,
        labelId,
      })),
    );
    if (pairs.length) await tx.insert(contactLabels).values(pairs).onConflictDoNothing();
  }
}

function sortKeys(o: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export function addError(report: ImportReport, e: RowError) {
  report.failed++;
  if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(e);
}

// ---- contact export -----------------------------------------------------------------------------------------

const EXPORT_PAGE = 500;
/**
 * Cells a spreadsheet would run as a formula get a leading quote; a phone like +5511… is left alone (digits only
 * after the sign), so the export imports back unchanged.
 */
const FORMULA = /^[=@\t\r]|^[+-](?!\d+$)/;

/** CSV text of every live contact of the organisation, a page at a time (header first). */
/**
 * `csv`: plain CSV (comma, English column keys, ISO times in UTC). `excel`: what Excel in Portuguese opens right by
 * double-click — `;` between cells, a UTF-8 BOM, Portuguese headers, times in the organisation's time zone. Both
 * import back (the Portuguese headers are import aliases).
 */
export type ExportFormat = 'csv' | 'excel';

const EXCEL_HEADERS: Record<string, string> = {
  id: 'ID',
  name: 'Nome',
  phone: 'Telefone',
  email: 'E-mail',
  whatsapp_id: 'ID do WhatsApp',
  profile_name: 'Nome no WhatsApp',
  labels: 'Etiquetas',
  created_at: 'Criado em',
};

export async function* exportContactsCsv(
  inTx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  orgId: string,
  opts: { format?: ExportFormat } = {},
): AsyncGenerator<string> {
  const excel = opts.format === 'excel';
  const [defs, [org]] = await inTx((tx) =>
    Promise.all([attributeDefinitions(tx, orgId), tx.select({ timeZone: organizations.timezone }).from(organizations).where(eq(organizations.id, orgId))]),
  );
  const keys = [...defs.keys()];
  const fields = ['id', 'name', 'phone', 'email', 'whatsapp_id', 'profile_name', 'labels', 'created_at', ...keys];
  const delimiter = excel ? ';' : ',';
  const when = excel
    ? new Intl.DateTimeFormat('pt-BR', { timeZone: org?.timeZone ?? 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' })
    : null;
  // Attribute columns keep their key (the importer matches keys); Excel users get the label in parentheses.
  const heading = excel ? fields.map((f) => EXCEL_HEADERS[f] ?? `${f} (${defs.get(f)?.label ?? f})`) : fields;
  // With no rows papaparse ends the header line itself.
  yield (excel ? '\uFEFF' : '') + Papa.unparse({ fields: heading, data: [] }, { escapeFormulae: FORMULA, delimiter }).replace(/\r\n$/, '') + '\r\n';
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const pageRows = await inTx(async (tx) => {
      const rows = await tx
        .select()
        .from(contacts)
        .where(
          and(
            eq(contacts.organizationId, orgId),
            isNull(contacts.deletedAt),
            after ? or(gt(contacts.createdAt, after.createdAt), and(eq(contacts.createdAt, after.createdAt), gt(contacts.id, after.id))) : undefined,
          ),
        )
        .orderBy(asc(contacts.createdAt), asc(contacts.id))
        .limit(EXPORT_PAGE);
      return { rows, labels: await labelsOf(tx, orgId, rows.map((r) => r.id)) };
    });
    if (pageRows.rows.length === 0) return;
    const data = pageRows.rows.map((c) => [
      c.id,
      c.name ?? '',
      c.phoneE164 ?? '',
      c.email ?? '',
      c.waId ?? '',
      c.profileName ?? '',
      (pageRows.labels.get(c.id) ?? []).map((l) => l.name).join('; '),
      when ? when.format(c.createdAt) : c.createdAt.toISOString(),
      ...keys.map((k) => (c.attributes[k] === undefined || c.attributes[k] === null ? '' : String(c.attributes[k]))),
    ]);
    yield Papa.unparse({ fields, data }, { header: false, escapeFormulae: FORMULA, delimiter }) + '\r\n';
    const last = pageRows.rows[pageRows.rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    if (pageRows.rows.length < EXPORT_PAGE) return;
  }
}
