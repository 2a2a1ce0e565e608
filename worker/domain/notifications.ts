// Members' notification centre: mentioned in a private note ("@Bruno"), or given a conversation by a colleague. Rows
// are written in the transaction of what caused them; the caller publishes them after commit
// (`notification.created` on the organisation's inbox socket, delivered only to its member).
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { contacts, conversations, memberships, messages, userNotifications, users } from '../db/schema';
import type { Tx } from '../db/tx';

export type NotificationKind = 'mention' | 'assigned';

/**
 * Opens a message's stored body (sealed, issue 21 §4): sealing-crypto.ts bodyOpener. A function rather than the
 * content crypto itself, so this file (reached from the web app's types through activity.ts) stays free of WebCrypto.
 */
export type BodyOpener = (messageId: string, stored: string) => Promise<string>;

/** "José Antônio" → "jose antonio": mentions match whatever accents and case were typed. */
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * The members a note mentions: "@" followed by a member's full name, first name or e-mail name, ending at a word
 * boundary (the longest match wins, so "@Ana Paula" is Ana Paula, not Ana). The author is never notified.
 */
export async function mentionedMembers(tx: Tx, orgId: string, text: string, authorId: string): Promise<string[]> {
  if (!text.includes('@')) return [];
  const members = await tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId));
  const folded = fold(text);
  const found = new Set<string>();
  for (const at of folded.matchAll(/@/g)) {
    const rest = folded.slice(at.index! + 1);
    let best: { id: string; length: number } | null = null;
    for (const m of members) {
      const names = [m.name ?? '', (m.name ?? '').split(/\s+/)[0] ?? '', m.email.split('@')[0]!].map(fold).filter((n) => n.length >= 2);
      for (const n of names) {
        if (rest.startsWith(n) && !/[\p{L}\p{N}]/u.test(rest.charAt(n.length)) && (!best || n.length > best.length)) best = { id: m.id, length: n.length };
      }
    }
    if (best && best.id !== authorId) found.add(best.id);
  }
  return [...found];
}

export async function createNotifications(
  tx: Tx,
  orgId: string,
  items: { userId: string; kind: NotificationKind; conversationId: string; messageId?: string | null; actorUserId: string | null }[],
  /** Opens the note a mention points at; not needed for notifications without a message (assignments). */
  openBody?: BodyOpener,
) {
  if (items.length === 0) return [];
  const rows = await tx
    .insert(userNotifications)
    .values(items.map((i) => ({ organizationId: orgId, ...i, messageId: i.messageId ?? null })))
    .returning({ id: userNotifications.id });
  return listNotifications(tx, openBody, orgId, null, 100, rows.map((r) => r.id));
}

const EXCERPT_LENGTH = 140;

/**
 * A member's notifications, newest first, with what the list shows (who, which customer, the note's start). The note
 * is stored sealed, so its excerpt is cut here from the opened text; without `openBody` none is shown.
 */
export async function listNotifications(tx: Tx, openBody: BodyOpener | undefined, orgId: string, userId: string | null, limit: number, ids?: string[]) {
  const rows = await tx
    .select({
      id: userNotifications.id,
      userId: userNotifications.userId,
      kind: userNotifications.kind,
      conversationId: userNotifications.conversationId,
      messageId: userNotifications.messageId,
      actorUserId: userNotifications.actorUserId,
      actorName: users.name,
      contactName: sql<string | null>`coalesce(${contacts.name}, ${contacts.profileName}, ${contacts.phoneE164}, ${contacts.waId})`,
      body: messages.body,
      createdAt: userNotifications.createdAt,
      readAt: userNotifications.readAt,
    })
    .from(userNotifications)
    .innerJoin(conversations, eq(conversations.id, userNotifications.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, userNotifications.actorUserId))
    .leftJoin(messages, eq(messages.id, userNotifications.messageId))
    .where(
      and(
        eq(userNotifications.organizationId, orgId),
        userId ? eq(userNotifications.userId, userId) : undefined,
        ids ? inArray(userNotifications.id, ids) : undefined,
      ),
    )
    .orderBy(desc(userNotifications.createdAt), desc(userNotifications.id))
    .limit(limit);
  return Promise.all(
    rows.map(async ({ body, ...n }) => {
      const text = body === null || !n.messageId || !openBody ? null : await openBody(n.messageId, body);
      return { ...n, excerpt: text === null ? null : [...text].slice(0, EXCERPT_LENGTH).join('') };
    }),
  );
}
export type NotificationDto = Awaited<ReturnType<typeof listNotifications>>[number];

export async function unreadNotifications(tx: Tx, orgId: string, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(userNotifications)
    .where(and(eq(userNotifications.organizationId, orgId), eq(userNotifications.userId, userId), isNull(userNotifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the member's own notifications read: the given ones, or all. */
export async function markNotificationsRead(tx: Tx, orgId: string, userId: string, ids: string[] | 'all') {
  const updated = await tx
    .update(userNotifications)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(userNotifications.organizationId, orgId),
        eq(userNotifications.userId, userId),
        isNull(userNotifications.readAt),
        ids === 'all' ? undefined : inArray(userNotifications.id, ids),
      ),
    )
    .returning({ id: userNotifications.id });
  return updated.length;
}
