// Legal holds (issue 21 §3): a tenant admin places a hold on a conversation, with a reason, so retention never hides
// or deletes it and the contact cannot be erased (domain/erasure.ts) until an admin lifts it, with a reason too. Each
// hold is a row of legal_holds (who, when, why; lifted: who, when, why); conversations.legal_hold mirrors the hold in
// force for the readers that only need yes or no. Both changes are audited in the same transaction.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { conversations, legalHolds, type LegalHold } from '../db/schema';
import type { Tx } from '../db/tx';
import { conflict } from '../errors';

export async function legalHoldState(tx: Tx, orgId: string, conversationId: string) {
  const history = await tx
    .select()
    .from(legalHolds)
    .where(and(eq(legalHolds.organizationId, orgId), eq(legalHolds.conversationId, conversationId)))
    .orderBy(desc(legalHolds.placedAt), desc(legalHolds.id));
  return { active: history.find((h) => h.liftedAt === null) ?? null, history };
}

async function setFlag(tx: Tx, orgId: string, conversationId: string, held: boolean) {
  await tx
    .update(conversations)
    .set({ legalHold: held, updatedAt: new Date() })
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conversationId)));
}

/** Places a hold on one of the organisation's conversations (the caller checked it is theirs); 409 when one is in force. */
export async function placeLegalHold(tx: Tx, actor: Actor, conversationId: string, reason: string, via?: { contactId: string }): Promise<LegalHold> {
  const [hold] = await tx
    .insert(legalHolds)
    .values({ organizationId: actor.orgId, conversationId, reason, placedBy: actor.userId })
    .onConflictDoNothing()
    .returning();
  if (!hold) throw conflict('The conversation is already under legal hold', 'legal_hold_exists');
  await setFlag(tx, actor.orgId, conversationId, true);
  await recordAudit(tx, {
    action: 'conversation.legal_hold_placed',
    ...byActor(actor),
    targetType: 'conversation',
    targetId: conversationId,
    metadata: { holdId: hold.id, reason, ...via },
  });
  return hold;
}

/** Lifts the hold in force; 409 when there is none. */
export async function liftLegalHold(tx: Tx, actor: Actor, conversationId: string, reason: string, via?: { contactId: string }): Promise<LegalHold> {
  const [hold] = await tx
    .update(legalHolds)
    .set({ liftedAt: new Date(), liftedBy: actor.userId, liftReason: reason })
    .where(and(eq(legalHolds.organizationId, actor.orgId), eq(legalHolds.conversationId, conversationId), isNull(legalHolds.liftedAt)))
    .returning();
  if (!hold) throw conflict('The conversation is not under legal hold', 'no_legal_hold');
  await setFlag(tx, actor.orgId, conversationId, false);
  await recordAudit(tx, {
    action: 'conversation.legal_hold_lifted',
    ...byActor(actor),
    targetType: 'conversation',
    targetId: conversationId,
    metadata: { holdId: hold.id, reason, placedAt: hold.placedAt.toISOString(), ...via },
  });
  return hold;
}

/** The contact's conversations (hidden ones too: a hold keeps them from being purged), under hold or not. */
async function conversationsOfContact(tx: Tx, orgId: string, contactId: string, held: boolean) {
  const rows = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, contactId), eq(conversations.legalHold, held)))
    .orderBy(conversations.id)
    .for('update');
  return rows.map((r) => r.id);
}

/**
 * A hold on a contact: on every conversation of theirs not held yet (each one its own hold, audited with the contact's
 * id). Conversations the contact starts later are not covered: the admin places the hold again.
 */
export async function placeContactLegalHold(tx: Tx, actor: Actor, contactId: string, reason: string): Promise<LegalHold[]> {
  const ids = await conversationsOfContact(tx, actor.orgId, contactId, false);
  const holds: LegalHold[] = [];
  for (const id of ids) holds.push(await placeLegalHold(tx, actor, id, reason, { contactId }));
  return holds;
}

/** Lifts every hold in force on the contact's conversations. */
export async function liftContactLegalHold(tx: Tx, actor: Actor, contactId: string, reason: string): Promise<LegalHold[]> {
  const ids = await conversationsOfContact(tx, actor.orgId, contactId, true);
  const holds: LegalHold[] = [];
  for (const id of ids) holds.push(await liftLegalHold(tx, actor, id, reason, { contactId }));
  return holds;
}

