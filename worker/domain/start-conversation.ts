// Starting a conversation from our side: with a contact (also one created by hand or imported) or a typed number, on
// a chosen channel, with a first message — an approved template on Meta's Cloud API (outside the 24-hour window
// nothing else may open it), or text on a number connected by QR code. The conversation the pair already has is
// reused; a new one is assigned to whoever started it.
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { channels, contacts, conversations } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { startConversationBody } from '../schemas/messages';
import { requireE164, waIdOf } from './contacts';
import { storeOutgoing } from './send';
import type { ContentCrypto } from './content-crypto';

type Body = z.infer<typeof startConversationBody>;

/** The contact to write to, with a WhatsApp id: found by id or number, or created for a new number. */
async function recipient(tx: Tx, orgId: string, body: Body): Promise<{ id: string } | undefined> {
  if (body.contactId) {
    const [c] = await tx
      .select({ id: contacts.id, waId: contacts.waId, phone: contacts.phoneE164 })
      .from(contacts)
      .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, body.contactId), isNull(contacts.deletedAt)));
    if (!c) return undefined;
    if (c.waId) return c;
    // Created by hand or imported: their WhatsApp id is their number's digits.
    if (!c.phone) throw new ApiError(422, 'contact_without_phone', 'The contact has no phone number to write to on WhatsApp');
    const waId = waIdOf(c.phone);
    const [taken] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, waId), ne(contacts.id, c.id)));
    if (taken) throw conflict(`Another contact already has this WhatsApp number (contact ${taken.id})`, 'contact_exists');
    await tx.update(contacts).set({ waId, updatedAt: new Date() }).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, c.id)));
    return c;
  }
  const phone = requireE164(body.phone!);
  const waId = waIdOf(phone);
  const [existing] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), or(eq(contacts.waId, waId), eq(contacts.phoneE164, phone)), isNull(contacts.deletedAt)))
    .limit(1);
  if (existing) return existing;
  const [created] = await tx
    .insert(contacts)
    .values({ organizationId: orgId, waId, phoneE164: phone, name: body.name ?? null })
    .onConflictDoUpdate({ target: [contacts.organizationId, contacts.waId], set: { deletedAt: null, updatedAt: new Date() } })
    .returning({ id: contacts.id });
  return created!;
}

export type StartResult =
  | ({ kind: 'started'; conversationId: string; created: boolean } & Pick<Awaited<ReturnType<typeof storeOutgoing>>, 'message' | 'trail'>)
  | { kind: 'missing'; what: 'channel' | 'contact' };

/** `crypto` seals the first message (its key made before the transaction: sealing-crypto.ts). */
export async function startConversation(tx: Tx, crypto: ContentCrypto, actor: Actor, body: Body): Promise<StartResult> {
  const orgId = actor.orgId;
  const [channel] = await tx
    .select({ id: channels.id, status: channels.status })
    .from(channels)
    .where(and(eq(channels.organizationId, orgId), eq(channels.id, body.channelId)));
  if (!channel) return { kind: 'missing', what: 'channel' };
  if (channel.status !== 'active') throw new ApiError(422, 'channel_disabled', 'This WhatsApp number is disabled');
  const contact = await recipient(tx, orgId, body);
  if (!contact) return { kind: 'missing', what: 'contact' };

  const [inserted] = await tx
    .insert(conversations)
    .values({ organizationId: orgId, channelId: channel.id, contactId: contact.id, assigneeId: actor.userId })
    .onConflictDoNothing({
      target: [conversations.organizationId, conversations.channelId, conversations.contactId],
      where: sql`status <> 'resolved' and deleted_at is null`,
    })
    .returning();
  const [conversation] = inserted
    ? [inserted]
    : await tx
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.organizationId, orgId),
            eq(conversations.channelId, channel.id),
            eq(conversations.contactId, contact.id),
            sql`${conversations.status} <> 'resolved' and ${conversations.deletedAt} is null`,
          ),
        );
  const first = body.template ? { type: 'template' as const, template: body.template, clientId: body.clientId } : { type: 'text' as const, text: body.text!, clientId: body.clientId };
  // A new conversation is the starter's already; an unassigned one they write in becomes theirs (assign on reply).
  const { message, trail } = await storeOutgoing(tx, crypto, actor, conversation!, first, body.clientId);
  return { kind: 'started', conversationId: conversation!.id, created: Boolean(inserted), message, trail };
}
