// The outbound send's bookkeeping: at most one Graph call per message that Meta accepts. A delivery claims the
// message (a lease with its attempt id) before it calls the Graph API and records the outcome after; a delivery
// that finds the message sent, failed or leased sends nothing. Messages of a conversation go out in order: one
// waits while an earlier one is unsent, and the earlier one's outcome hands the turn on (nextInLine).
import { and, asc, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { channels, contacts, conversations, messageColumns, messageReactions, messages, type Message } from '../db/schema';
import type { ChannelRef } from '../whatsapp/provider';
import type { Tx } from '../db/tx';

/** Long enough for a media upload (60 s) and a send (15 s) with their database writes around them. */
export const SEND_LEASE_MS = 2 * 60_000;

/** Why a message whose send may or may not have reached Meta is marked failed instead of sent again. */
export const OUTCOME_UNKNOWN = {
  errorTitle: 'Send outcome unknown',
  errorDetail: 'O WhatsApp não confirmou o envio a tempo; a mensagem pode ter chegado ao cliente. Confira antes de reenviar.',
} as const;

/** Why the sweeper gives up on a message that waited a day unsent (the conversation has moved on). */
export const NOT_SENT_IN_TIME = {
  errorTitle: 'Not sent in time',
  errorDetail: 'A mensagem ficou mais de 24 horas na fila sem ser enviada; reenvie se ainda fizer sentido.',
} as const;

/** Unsent outbound messages: queued, no wamid yet, not a private note (messages_outbound_unsent_idx). */
export const unsent = and(
  eq(messages.status, 'queued'),
  eq(messages.direction, 'outbound'),
  isNull(messages.providerMessageId),
  eq(messages.isPrivate, false),
);

export type Claim =
  | { kind: 'claimed'; message: Message; waId: string | null; channel: ChannelRef; sendRatePerMinute: number }
  /** Sent, failed or gone: a redelivery, nothing to do. */
  | { kind: 'done' }
  /** Another delivery holds the lease (or held it and died: the sweeper resolves that). */
  | { kind: 'leased' }
  /** An earlier message of the conversation is unsent; its outcome enqueues this one. */
  | { kind: 'waiting'; behind: string };

export async function claimSend(tx: Tx, orgId: string, messageId: string, attemptId: string, leaseMs = SEND_LEASE_MS): Promise<Claim> {
  const [row] = await tx
    .select({
      message: messageColumns,
      waId: contacts.waId,
      channel: { id: channels.id, provider: channels.provider, phoneNumberId: channels.phoneNumberId, instanceName: channels.instanceName, token: channels.accessTokenEnc, status: channels.status },
      sendRatePerMinute: channels.sendRatePerMinute,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
    .for('update', { of: messages });
  if (!row || row.message.status !== 'queued' || row.message.providerMessageId || row.message.isPrivate) return { kind: 'done' };
  if (row.message.sendLeaseUntil) return { kind: 'leased' };
  const m = row.message;
  const [earlier] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, orgId),
        eq(messages.conversationId, m.conversationId),
        unsent,
        or(lt(messages.createdAt, m.createdAt), and(eq(messages.createdAt, m.createdAt), lt(messages.id, m.id))),
      ),
    )
    .limit(1);
  if (earlier) return { kind: 'waiting', behind: earlier.id };
  const [claimed] = await tx
    .update(messages)
    .set({ sendLeaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`, sendAttemptId: attemptId })
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)))
    .returning(messageColumns);
  return { kind: 'claimed', message: claimed!, waId: row.waId, channel: row.channel, sendRatePerMinute: row.sendRatePerMinute };
}

/**
 * Meta accepted the send: keep its wamid and drop the lease. Matches the attempt, so only the delivery that sent it
 * records it; a message the sweeper already gave up on ("outcome unknown") is put back, since now we know it went.
 */
export async function recordSent(tx: Tx, orgId: string, messageId: string, attemptId: string, wamid: string): Promise<Message | undefined> {
  const [row] = await tx
    .update(messages)
    .set({
      providerMessageId: wamid,
      sendLeaseUntil: null,
      // Status stays "queued" until Meta's "sent" webhook: accepted is not yet sent.
      status: 'queued',
      failedAt: null,
      errorCode: null,
      errorTitle: null,
      errorDetail: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(messages.organizationId, orgId),
        eq(messages.id, messageId),
        eq(messages.sendAttemptId, attemptId),
        // Evolution may echo the send back first; the ingest then already gave the message this id.
        or(isNull(messages.providerMessageId), eq(messages.providerMessageId, wamid)),
        or(eq(messages.status, 'queued'), eq(messages.errorTitle, OUTCOME_UNKNOWN.errorTitle)),
      ),
    )
    .returning(messageColumns);
  return row;
}

export interface FailedOutcome {
  errorCode: number | null;
  errorTitle: string;
  errorDetail: string;
}

/** Meta refused it for good (or we cannot know): failed with a readable reason; the lease stays with its attempt. */
export async function recordFailed(tx: Tx, orgId: string, messageId: string, attemptId: string, f: FailedOutcome): Promise<Message | undefined> {
  const [row] = await tx
    .update(messages)
    .set({ status: 'failed', failedAt: new Date(), sendLeaseUntil: null, ...f, updatedAt: new Date() })
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId), eq(messages.sendAttemptId, attemptId), unsent))
    .returning(messageColumns);
  return row;
}

/** Meta answered "try later" (or nothing was called yet): give the lease back so the retry may claim it. */
export async function releaseClaim(tx: Tx, orgId: string, messageId: string, attemptId: string): Promise<void> {
  await tx
    .update(messages)
    .set({ sendLeaseUntil: null, updatedAt: new Date() })
    .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId), eq(messages.sendAttemptId, attemptId), unsent));
}

/** The conversation's next unsent message after `messageId` is done, if nobody holds it: its turn to be sent. */
export async function nextInLine(tx: Tx, orgId: string, conversationId: string, doneId: string): Promise<string | undefined> {
  const [next] = await tx
    .select({ id: messages.id, leased: messages.sendLeaseUntil })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, conversationId), unsent, ne(messages.id, doneId)))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(1);
  return next && !next.leased ? next.id : undefined;
}

// Reactions take the same claim on the agent's reaction row. WhatsApp keeps one reaction per business per message,
// so sending the same emoji again changes nothing the customer sees: an expired claim is simply sent again.

/** Claims the reaction for this attempt; false when it is sent already or another delivery holds it. */
export async function claimReactionSend(tx: Tx, orgId: string, reactionId: string, attemptId: string, leaseMs = SEND_LEASE_MS): Promise<boolean> {
  const rows = await tx
    .update(messageReactions)
    .set({ sendLeaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`, sendAttemptId: attemptId })
    .where(
      and(
        eq(messageReactions.organizationId, orgId),
        eq(messageReactions.id, reactionId),
        isNull(messageReactions.providerMessageId),
        isNull(messageReactions.sendLeaseUntil),
      ),
    )
    .returning({ id: messageReactions.id });
  return rows.length > 0;
}

export async function recordReactionSent(tx: Tx, orgId: string, reactionId: string, attemptId: string, wamid: string): Promise<void> {
  await tx
    .update(messageReactions)
    .set({ providerMessageId: wamid, sendLeaseUntil: null, updatedAt: new Date() })
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.id, reactionId), eq(messageReactions.sendAttemptId, attemptId)));
}

export async function releaseReactionClaim(tx: Tx, orgId: string, reactionId: string, attemptId: string): Promise<void> {
  await tx
    .update(messageReactions)
    .set({ sendLeaseUntil: null })
    .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.id, reactionId), eq(messageReactions.sendAttemptId, attemptId)));
}
