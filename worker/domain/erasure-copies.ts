// The copies of an erased contact's data outside its own rows: dead letters, unroutable webhook events, statuses
// waiting for their send, outgoing webhook deliveries, deal titles and earlier audit snapshots. Runs in the
// erasure's transaction as the owner (dead letters and unroutable events are partly platform rows, the audit log is
// append-only for app_user); every statement carries the organisation, or for platform rows a channel of it.
// The mail outbox holds members' mail only (password resets, invitations): contacts never reach it.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { auditLogs, channels, contacts, contactWaAliases, deals, deadLetters, pendingStatuses, unroutableEvents, webhookDeliveries } from '../db/schema';
import type { Tx } from '../db/tx';

/** What identifies the person in text that is not theirs alone. */
export interface Traces {
  contactId: string;
  conversationIds: string[];
  /** WhatsApp ids (own and merged-in aliases), phone numbers with and without "+", e-mail. */
  identifiers: string[];
  /** Names as written (name, WhatsApp profile name, names of contacts merged into this one). */
  names: string[];
  /** Where webhook payloads of the organisation's numbers say which number they reached (phone_number_id, channel ids). */
  channelKeys: string[];
}

export const ERASED = '[apagado]';
/** Shorter strings would match unrelated text (ids of 4 digits, a name like "Ana" inside "Banana"). */
const MIN_NEEDLE = 6;

const distinct = (values: (string | null | undefined)[], min = 1) => [...new Set(values.filter((v): v is string => !!v && v.trim().length >= min).map((v) => v.trim()))];

/** The contact's traces, read (and the contact locked) before its rows go; undefined when there is no such contact. */
export async function tracesOf(tx: Tx, orgId: string, contactId: string, conversationIds: string[]): Promise<Traces | undefined> {
  const [c] = await tx.select().from(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, contactId))).for('update');
  if (!c) return undefined;
  const aliases = await tx.select({ waId: contactWaAliases.waId }).from(contactWaAliases).where(and(eq(contactWaAliases.organizationId, orgId), eq(contactWaAliases.contactId, contactId)));
  // Snapshots of contacts merged into this one are the same person under an earlier name or number.
  const merged = await tx
    .select({ m: sql<Record<string, unknown> | null>`${auditLogs.metadata} -> 'merged'` })
    .from(auditLogs)
    .where(and(eq(auditLogs.organizationId, orgId), eq(auditLogs.action, 'contact.merged'), eq(auditLogs.targetId, contactId)));
  const snapshots = merged.map((r) => r.m ?? {});
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const phones = [c.phoneE164, ...snapshots.map((s) => str(s.phone))];
  const identifiers = distinct(
    [c.waId, c.email, ...aliases.map((a) => a.waId), ...phones, ...phones.map((p) => p?.replace(/\D/g, '')), ...snapshots.flatMap((s) => [str(s.waId), str(s.email)])],
    MIN_NEEDLE,
  );
  const names = distinct([c.name, c.profileName, ...snapshots.flatMap((s) => [str(s.name), str(s.profileName)])], 2);
  const chans = await tx.select({ id: channels.id, phoneNumberId: channels.phoneNumberId }).from(channels).where(eq(channels.organizationId, orgId));
  const channelKeys = distinct(chans.flatMap((ch) => [ch.id, ch.phoneNumberId]));
  return { contactId, conversationIds, identifiers, names, channelKeys };
}

/** `text` contains at least one of `needles` (a parameter each). */
function mentions(text: SQL, needles: string[]): SQL {
  if (needles.length === 0) return sql`false`;
  return sql`(${sql.join(
    needles.map((n) => sql`strpos(${text}, ${n}) > 0`),
    sql` or `,
  )})`;
}

/** The contact's name (and each longer word of it) replaced; undefined when nothing in the text names them. */
export function withoutNames(text: string, traces: Pick<Traces, 'names' | 'identifiers'>): string | undefined {
  const words = traces.names.flatMap((n) => n.split(/\s+/)).filter((w) => w.length >= 3);
  const parts = [...traces.names, ...traces.identifiers, ...words].sort((a, b) => b.length - a.length);
  let out = text;
  // Whole words only: a short name must not eat into an id or another word.
  for (const p of parts) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'giu'), ERASED);
  return out === text ? undefined : out;
}

/** Every string in a JSON value that names the person, replaced (keys and other values kept). */
function scrubJson(value: unknown, traces: Traces): unknown {
  if (typeof value === 'string') return withoutNames(value, traces) ?? value;
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, traces));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, traces)]));
  return value;
}

export interface CopiesErased {
  deadLetters: number;
  unroutableEvents: number;
  pendingStatuses: number;
  webhookDeliveries: number;
  deals: number;
  auditEntries: number;
}

/** Deals of the contact keep their value and stage; their title and lost reason lose the name. Before the contact goes (the link is set null). */
export async function anonymiseDeals(tx: Tx, orgId: string, traces: Traces): Promise<number> {
  const rows = await tx
    .select({ id: deals.id, title: deals.title, lostReason: deals.lostReason })
    .from(deals)
    .where(and(eq(deals.organizationId, orgId), eq(deals.contactId, traces.contactId)));
  let changed = 0;
  for (const d of rows) {
    const title = withoutNames(d.title, traces);
    const lostReason = d.lostReason ? withoutNames(d.lostReason, traces) : undefined;
    if (title === undefined && lostReason === undefined) continue;
    await tx
      .update(deals)
      .set({ ...(title !== undefined && { title }), ...(lostReason !== undefined && { lostReason }) })
      .where(and(eq(deals.organizationId, orgId), eq(deals.id, d.id)));
    changed++;
  }
  return changed;
}

/** Deletes or scrubs every copy listed above; counts per place, for the audit entry. */
export async function eraseCopies(tx: Tx, orgId: string, traces: Traces, deals: number): Promise<CopiesErased> {
  const ids = [traces.contactId, ...traces.conversationIds];
  const personal = traces.identifiers;
  // Platform rows (webhooks routed to no organisation yet) are this organisation's when they name one of its numbers.
  const dead = await tx
    .delete(deadLetters)
    .where(
      sql`(${deadLetters.organizationId} = ${orgId} and ${mentions(sql`${deadLetters.body}::text`, [...personal, ...ids])})
        or (${deadLetters.organizationId} is null and ${mentions(sql`${deadLetters.body}::text`, personal)} and ${mentions(sql`${deadLetters.body}::text`, traces.channelKeys)})`,
    )
    .returning({ id: deadLetters.id });
  // Unroutable events name no organisation: any that names the person goes, unless another organisation now owns the number it reached.
  const unroutable = await tx
    .delete(unroutableEvents)
    .where(
      and(
        mentions(sql`${unroutableEvents.payload}::text`, personal),
        sql`not exists (select 1 from ${channels} c where c.phone_number_id = ${unroutableEvents.phoneNumberId} and c.organization_id <> ${orgId})`,
      ),
    )
    .returning({ id: unroutableEvents.id });
  const pending = await tx
    .delete(pendingStatuses)
    .where(and(eq(pendingStatuses.organizationId, orgId), mentions(sql`${pendingStatuses.event}::text`, personal)))
    .returning({ status: pendingStatuses.status });
  // Their attempts (response snippets) go with them (ON DELETE CASCADE).
  const deliveries = await tx
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.organizationId, orgId), mentions(sql`${webhookDeliveries.body}`, [...personal, ...ids])))
    .returning({ id: webhookDeliveries.id });
  const audit = await scrubAudit(tx, orgId, traces);
  return { deadLetters: dead.length, unroutableEvents: unroutable.length, pendingStatuses: pending.length, webhookDeliveries: deliveries.length, deals, auditEntries: audit };
}

/**
 * Earlier audit entries keep what happened, who did it and when; values naming the person (a merge's snapshot, a
 * name in a deal's entry) become "[apagado]". The entries about the contact or its conversations, and any that
 * names one of its identifiers.
 */
async function scrubAudit(tx: Tx, orgId: string, traces: Traces): Promise<number> {
  const rows = await tx
    .select({ id: auditLogs.id, action: auditLogs.action, targetId: auditLogs.targetId, metadata: auditLogs.metadata })
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.organizationId, orgId),
        sql`(${inArray(auditLogs.targetId, [traces.contactId, ...traces.conversationIds])} or ${mentions(sql`${auditLogs.metadata}::text`, [...traces.identifiers, traces.contactId])})`,
      ),
    );
  let changed = 0;
  for (const r of rows) {
    const scrubbed = scrubJson(r.metadata, traces) as Record<string, unknown>;
    // A merge's snapshot is the person's earlier record as a whole (attributes too), not only their name.
    if (r.action === 'contact.merged' && r.targetId === traces.contactId && scrubbed.merged) scrubbed.merged = ERASED;
    if (JSON.stringify(scrubbed) === JSON.stringify(r.metadata)) continue;
    await tx.update(auditLogs).set({ metadata: scrubbed }).where(eq(auditLogs.id, r.id));
    changed++;
  }
  return changed;
}

/** Platform dead letters whose body travelled in R2 (by key): go with their raw body. */
export async function deleteDeadLettersOfKeys(tx: Tx, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await tx
    .delete(deadLetters)
    .where(mentions(sql`${deadLetters.body}::text`, keys))
    .returning({ id: deadLetters.id });
  return rows.length;
}
