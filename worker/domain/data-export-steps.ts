// The reads behind one export (queues/data-export.ts): the contact's profile and everything small about it in one
// go, then its conversations' messages one keyset page at a time, and the export row's progress between steps.
// Message bodies and media go through the chat's own reads (listMessages, findMessageMedia), so whatever those do
// to a stored value (decryption, issue 21 §4) the export does too.
import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import { auditLogs, conversations, csatResponses, dataExports, deals, messages, scheduledMessages, type DataExport } from '../db/schema';
import type { Tx } from '../db/tx';
import { conversationLabelsOf } from './labels';
import { listNotes } from './contact-notes';
import { contactDto, findContact } from './contacts';
import { listMessages } from './conversations';
import type { ContentCrypto } from './content-crypto';
import { findDeal } from './deals';
import { findMessageMedia } from './media';

/** Audit entries taken about one contact; more than this is flagged as cut in the export. */
const AUDIT_MAX = 10_000;

/** Where the consumer is: which conversation, where in it, and how many parts it has staged in R2. */
export type ExportState = {
  step: number;
  conversationIds: string[];
  conversation: number;
  cursor: { at: string; id: string } | null;
  page: number;
  parts: number;
  messagesDone: number;
  messagesTotal: number;
};

/** Every note on the contact, newest first, through the notes' own keyset pages. */
async function allNotes(tx: Tx, crypto: ContentCrypto, orgId: string, contactId: string) {
  const all: Awaited<ReturnType<typeof listNotes>> = [];
  for (let cursor: { createdAt: Date; id: string } | undefined; ; ) {
    const rows = await listNotes(tx, crypto, orgId, contactId, cursor, 500);
    all.push(...rows.slice(0, 500));
    if (rows.length <= 500) return all;
    cursor = { createdAt: rows[499]!.createdAt, id: rows[499]!.id };
  }
}

/**
 * Everything about the contact but its messages: small enough for one step. Undefined once the contact is gone. Notes
 * are opened with `crypto` (stored sealed).
 */
export async function contactProfile(tx: Tx, crypto: ContentCrypto, orgId: string, contactId: string) {
  const contact = await findContact(tx, orgId, contactId);
  const dto = await contactDto(tx, orgId, contactId);
  if (!contact || !dto) return undefined;
  // Every conversation still held, hidden ones (retention grace) included.
  const convs = await tx
    .select({
      id: conversations.id,
      channelId: conversations.channelId,
      status: conversations.status,
      important: conversations.important,
      legalHold: conversations.legalHold,
      lastMessageAt: conversations.lastMessageAt,
      resolvedAt: conversations.resolvedAt,
      createdAt: conversations.createdAt,
      deletedAt: conversations.deletedAt,
    })
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, contactId)))
    .orderBy(asc(conversations.createdAt), asc(conversations.id));
  const conversationIds = convs.map((c) => c.id);
  const counts = conversationIds.length
    ? await tx
        .select({ conversationId: messages.conversationId, n: count() })
        .from(messages)
        .where(and(eq(messages.organizationId, orgId), inArray(messages.conversationId, conversationIds)))
        .groupBy(messages.conversationId)
    : [];
  const countOf = new Map(counts.map((c) => [c.conversationId, c.n]));
  const conversationList = [];
  for (const c of convs) conversationList.push({ ...c, labels: await conversationLabelsOf(tx, orgId, c.id), messageCount: countOf.get(c.id) ?? 0 });
  const dealIds = await tx
    .select({ id: deals.id })
    .from(deals)
    .where(and(eq(deals.organizationId, orgId), or(eq(deals.contactId, contactId), conversationIds.length ? inArray(deals.conversationId, conversationIds) : sql`false`)));
  const dealCards = [];
  for (const { id } of dealIds) {
    const card = await findDeal(tx, orgId, id);
    if (card) dealCards.push(card);
  }
  const targets = [contactId, ...conversationIds, ...dealIds.map((d) => d.id)];
  const audit = await tx
    .select({
      id: auditLogs.id,
      action: auditLogs.action,
      actorType: auditLogs.actorType,
      actorUserId: auditLogs.actorUserId,
      targetType: auditLogs.targetType,
      targetId: auditLogs.targetId,
      metadata: auditLogs.metadata,
      createdAt: auditLogs.createdAt,
    })
    .from(auditLogs)
    .where(and(eq(auditLogs.organizationId, orgId), inArray(auditLogs.targetId, targets)))
    .orderBy(asc(auditLogs.createdAt), asc(auditLogs.id))
    .limit(AUDIT_MAX + 1);
  const csat = conversationIds.length
    ? await tx
        .select({ conversationId: csatResponses.conversationId, rating: csatResponses.rating, comment: csatResponses.comment, askedAt: csatResponses.askedAt, answeredAt: csatResponses.answeredAt })
        .from(csatResponses)
        .where(and(eq(csatResponses.organizationId, orgId), inArray(csatResponses.conversationId, conversationIds)))
    : [];
  const scheduled = conversationIds.length
    ? await tx
        .select({ id: scheduledMessages.id, conversationId: scheduledMessages.conversationId, body: scheduledMessages.body, sendAt: scheduledMessages.sendAt, status: scheduledMessages.status })
        .from(scheduledMessages)
        .where(and(eq(scheduledMessages.organizationId, orgId), inArray(scheduledMessages.conversationId, conversationIds)))
    : [];
  return {
    contact: { ...dto, legacyNotes: contact.notes, deletedAt: contact.deletedAt },
    notes: await allNotes(tx, crypto, orgId, contactId),
    conversations: conversationList,
    deals: dealCards,
    satisfaction: csat,
    scheduledMessages: scheduled,
    audit: audit.slice(0, AUDIT_MAX),
    auditTruncated: audit.length > AUDIT_MAX,
    messagesTotal: conversationList.reduce((n, c) => n + c.messageCount, 0),
  };
}
export type ContactProfile = NonNullable<Awaited<ReturnType<typeof contactProfile>>>;

/** A staged media file: the R2 object and its name inside the ZIP. */
export interface MediaRef {
  messageId: string;
  key: string;
  path: string;
}

const safeName = (name: string) => name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(-80) || 'arquivo';

/**
 * One keyset page of a conversation's messages (newest first, as the chat reads them), each stored media file named
 * for the ZIP; `next` is where the following page starts, null after the last.
 */
export async function messagesPage(tx: Tx, crypto: ContentCrypto, orgId: string, conversationId: string, cursor: ExportState['cursor'], limit: number) {
  const rows = await listMessages(tx, crypto, orgId, conversationId, cursor ? { createdAt: new Date(cursor.at), id: cursor.id } : undefined, limit);
  const pageRows = rows.slice(0, limit);
  const media: MediaRef[] = [];
  const out = [];
  for (const m of pageRows) {
    let file: string | null = null;
    if (m.media?.status === 'stored') {
      const stored = await findMessageMedia(tx, orgId, m.id);
      if (stored?.key) {
        file = `midia/${m.id}-${safeName(stored.filename ?? m.kind)}`;
        media.push({ messageId: m.id, key: stored.key, path: file });
      }
    }
    out.push({ ...m, media: m.media ? { ...m.media, url: null, file } : null });
  }
  const last = pageRows.at(-1);
  const next = rows.length > limit && last ? { at: last.at.toISOString(), id: last.id } : null;
  return { messages: out, media, next };
}

/** The export as the consumer reads it (under the organisation's RLS). */
export async function loadExport(tx: Tx, orgId: string, id: string): Promise<DataExport | undefined> {
  const [row] = await tx.select().from(dataExports).where(and(eq(dataExports.organizationId, orgId), eq(dataExports.id, id)));
  return row;
}

/**
 * Records a finished step, only if nobody recorded it first (`state.step` still `from`): a redelivered queue message
 * then changes nothing. False when it had already moved on.
 */
export async function saveStep(tx: Tx, orgId: string, id: string, from: number, patch: Partial<Pick<DataExport, 'status' | 'progress' | 'objectKey' | 'sizeBytes' | 'error' | 'completedAt' | 'expiresAt'>> & { state: ExportState | { step: number } }) {
  const rows = await tx
    .update(dataExports)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(dataExports.organizationId, orgId), eq(dataExports.id, id), sql`(${dataExports.state}->>'step')::int = ${from}`))
    .returning({ id: dataExports.id });
  return rows.length > 0;
}

/** Gives up on an export (after repeated failures): the admin sees it failed and may start another. */
export async function failExport(tx: Tx, orgId: string, id: string, reason: string) {
  await tx
    .update(dataExports)
    .set({ status: 'failed', error: reason, updatedAt: new Date() })
    .where(and(eq(dataExports.organizationId, orgId), eq(dataExports.id, id), inArray(dataExports.status, ['queued', 'running'])));
}
