// Messages scheduled for later (issue 17, part 6). An agent writes the text now and picks the time; the every-minute
// cron (worker/jobs/scheduled-messages.ts) claims what is due and sends it through the normal outbound path
// (storeOutgoing, then the outbound queue) as the agent who wrote it. Two guarantees:
//   - none is sent twice: a claim flips rows to `sending` under FOR UPDATE SKIP LOCKED, so two cron runs never take the
//     same row, and the message is stored with clientId `scheduled:<id>` (idempotent), so a row retaken after a crash
//     finds the message it already became instead of making another;
//   - none is lost: a row left in `sending` by an isolate that died is taken again after STUCK_SENDING_MS.
import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { can } from '../auth/policy';
import { byActor, recordAudit } from '../audit/record';
import { departmentMembers, memberships, scheduledMessages, users, type Conversation, type Message, type ScheduledMessage } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { SendMessageBody } from '../schemas/messages';
import type { CreateScheduledBody, UpdateScheduledBody } from '../schemas/scheduled-messages';
import { capabilitiesOf } from './channels';
import { findConversation, windowOpen } from './conversations';
import { storeOutgoing } from './send';
import type { ContentCrypto } from './content-crypto';

/** As far ahead as a message may be scheduled: further out, the conversation has most likely moved on. */
export const MAX_AHEAD_MS = 90 * 24 * 60 * 60_000;
/** A claim older than this belongs to an isolate that died: the row is taken again (the clientId keeps it single). */
export const STUCK_SENDING_MS = 5 * 60_000;

/** What the API and the chat show (everything but the organisation). */
export const scheduledColumns = {
  id: scheduledMessages.id,
  conversationId: scheduledMessages.conversationId,
  createdBy: scheduledMessages.createdBy,
  sendAt: scheduledMessages.sendAt,
  body: scheduledMessages.body,
  template: scheduledMessages.template,
  status: scheduledMessages.status,
  messageId: scheduledMessages.messageId,
  error: scheduledMessages.error,
  createdAt: scheduledMessages.createdAt,
  updatedAt: scheduledMessages.updatedAt,
};
export type ScheduledDto = { [K in keyof typeof scheduledColumns]: ScheduledMessage[K] };

/** The clientId of the message a scheduled row becomes: storeOutgoing finds it again instead of storing twice. */
export const scheduledClientId = (id: string) => `scheduled:${id}`;

function checkSendAt(sendAt: string, now: Date): Date {
  const at = new Date(sendAt);
  if (at.getTime() <= now.getTime()) throw new ApiError(422, 'send_at_in_past', 'sendAt must be in the future');
  if (at.getTime() - now.getTime() > MAX_AHEAD_MS) throw new ApiError(422, 'send_at_too_far', 'sendAt must be within 90 days');
  return at;
}

/** Templates are a Meta Cloud API thing: a number connected by QR code (Evolution) has neither window nor templates. */
async function checkTemplate(tx: Tx, orgId: string, conversation: Conversation, template: unknown) {
  if (!template) return;
  const channel = await capabilitiesOf(tx, orgId, conversation.channelId);
  if (!channel.templates) {
    throw new ApiError(422, 'templates_unsupported', 'This number is connected through WhatsApp Web (Evolution): it has no templates and no 24-hour window');
  }
}

export async function createScheduled(tx: Tx, actor: Actor, conversation: Conversation, input: CreateScheduledBody, now = new Date()): Promise<ScheduledDto> {
  const sendAt = checkSendAt(input.sendAt, now);
  await checkTemplate(tx, actor.orgId, conversation, input.template);
  const [row] = await tx
    .insert(scheduledMessages)
    .values({
      organizationId: actor.orgId,
      conversationId: conversation.id,
      createdBy: actor.userId,
      sendAt,
      body: input.text,
      template: input.template ?? null,
    })
    .returning(scheduledColumns);
  await audit(tx, actor, 'message.scheduled', row!);
  return row!;
}

const audit = (tx: Tx, actor: Actor, action: 'message.scheduled' | 'message.schedule_updated' | 'message.schedule_cancelled', row: ScheduledDto) =>
  recordAudit(tx, {
    action,
    ...byActor(actor),
    targetType: 'scheduled_message',
    targetId: row.id,
    metadata: { conversationId: row.conversationId, sendAt: row.sendAt.toISOString() },
  });

/**
 * What the chat shows at its bottom: still to send, being sent, or failed (with the reason, until someone dismisses
 * it). Sent ones are ordinary messages by then.
 */
export async function listScheduled(tx: Tx, orgId: string, conversationId: string): Promise<ScheduledDto[]> {
  return tx
    .select(scheduledColumns)
    .from(scheduledMessages)
    .where(
      and(
        eq(scheduledMessages.organizationId, orgId),
        eq(scheduledMessages.conversationId, conversationId),
        inArray(scheduledMessages.status, ['scheduled', 'sending', 'failed']),
      ),
    )
    .orderBy(asc(scheduledMessages.sendAt), asc(scheduledMessages.id));
}

export async function findScheduled(tx: Tx, orgId: string, id: string): Promise<ScheduledDto | undefined> {
  const [row] = await tx
    .select(scheduledColumns)
    .from(scheduledMessages)
    .where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id)));
  return row;
}

const notScheduled = () => conflict('This message is no longer scheduled (already sent, being sent, or cancelled)', 'not_scheduled');

/** Text, time or template, only while it waits: the guard is in the UPDATE itself, so it cannot race the cron's claim. */
export async function updateScheduled(tx: Tx, actor: Actor, conversation: Conversation, id: string, input: UpdateScheduledBody, now = new Date()): Promise<ScheduledDto> {
  const orgId = actor.orgId;
  const sendAt = input.sendAt === undefined ? undefined : checkSendAt(input.sendAt, now);
  await checkTemplate(tx, orgId, conversation, input.template);
  const [row] = await tx
    .update(scheduledMessages)
    .set({
      ...(sendAt && { sendAt }),
      ...(input.text !== undefined && { body: input.text }),
      ...(input.template !== undefined && { template: input.template }),
      updatedAt: now,
    })
    .where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'scheduled')))
    .returning(scheduledColumns);
  if (!row) throw notScheduled();
  await audit(tx, actor, 'message.schedule_updated', row);
  return row;
}

/** Cancels one still waiting, or dismisses one that failed (it leaves the chat); anything else is too late. */
export async function cancelScheduled(tx: Tx, actor: Actor, id: string, now = new Date()): Promise<ScheduledDto> {
  const orgId = actor.orgId;
  const [row] = await tx
    .update(scheduledMessages)
    .set({ status: 'cancelled', updatedAt: now })
    .where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id), inArray(scheduledMessages.status, ['scheduled', 'failed'])))
    .returning(scheduledColumns);
  if (!row) throw notScheduled();
  await audit(tx, actor, 'message.schedule_cancelled', row);
  return row;
}

/**
 * Claims up to `limit` due rows across organisations (run as the system) and flips them to `sending` in one statement.
 * SKIP LOCKED makes concurrent runs take disjoint rows, and a row one run just claimed no longer matches for the
 * next (its status and claim time changed). Rows stuck in `sending` past STUCK_SENDING_MS are due again.
 */
export async function claimDue(tx: Tx, now: Date, limit: number): Promise<ScheduledMessage[]> {
  const stuckBefore = new Date(now.getTime() - STUCK_SENDING_MS);
  const due = tx
    .select({ id: scheduledMessages.id })
    .from(scheduledMessages)
    .where(
      and(
        lte(scheduledMessages.sendAt, now),
        or(eq(scheduledMessages.status, 'scheduled'), and(eq(scheduledMessages.status, 'sending'), lte(scheduledMessages.updatedAt, stuckBefore))),
      ),
    )
    .orderBy(asc(scheduledMessages.sendAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return tx.update(scheduledMessages).set({ status: 'sending', updatedAt: now }).where(inArray(scheduledMessages.id, due)).returning();
}

export type SendOutcome =
  | { kind: 'sent'; conversationId: string; message: Message; created: boolean }
  | { kind: 'failed'; conversationId: string; error: string }
  /** Not ours any more (sent, cancelled or gone meanwhile): nothing to do. */
  | { kind: 'skipped' };

/** The member who scheduled it, as the sender, while they still belong to the organisation and may reply here. */
async function senderOf(tx: Tx, orgId: string, userId: string | null, conversation: Conversation): Promise<Actor | string> {
  if (!userId) return 'creator_gone';
  const [member] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId), isNull(users.disabledAt)));
  if (!member) return 'creator_gone';
  const departments = (
    await tx.select({ id: departmentMembers.departmentId }).from(departmentMembers).where(and(eq(departmentMembers.organizationId, orgId), eq(departmentMembers.userId, userId)))
  ).map((d) => d.id);
  // Sent by the system on their behalf: no session, no request.
  const actor: Actor = { userId, orgId, role: member.role, isSuperAdmin: false, viaSuperAdmin: false, sessionId: 'scheduled', ip: '', userAgent: null, departments };
  // An agent whose conversation went to a colleague (or another department's queue) meanwhile no longer speaks in it.
  if (!can(actor, 'conversation.reply', conversation)) return 'not_allowed';
  return actor;
}

/**
 * Sends one claimed row, inside the organisation's transaction: the text while the 24-hour window is open (or on
 * numbers without one), the template when it is closed, else it fails with the reason. The message, the row marked
 * `sent` and the audit entry commit together; the caller enqueues the send after the commit. `crypto` seals the
 * message (sealing-crypto.ts: its key made before the transaction); without it the message is stored as plaintext.
 */
export async function sendScheduled(tx: Tx, orgId: string, id: string, now: Date, crypto: ContentCrypto): Promise<SendOutcome> {
  const [row] = await tx
    .select()
    .from(scheduledMessages)
    .where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id)))
    .for('update');
  if (!row || row.status !== 'sending') return { kind: 'skipped' };
  const fail = async (error: string): Promise<SendOutcome> => {
    await tx.update(scheduledMessages).set({ status: 'failed', error, updatedAt: now }).where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id)));
    await recordAudit(tx, {
      action: 'message.scheduled_failed',
      organizationId: orgId,
      actorUserId: row.createdBy,
      actorType: 'system',
      targetType: 'scheduled_message',
      targetId: id,
      metadata: { conversationId: row.conversationId, error },
    });
    return { kind: 'failed', conversationId: row.conversationId, error };
  };

  const conversation = await findConversation(tx, orgId, row.conversationId);
  if (!conversation) return fail('conversation_gone');
  const sender = await senderOf(tx, orgId, row.createdBy, conversation);
  if (typeof sender === 'string') return fail(sender);
  const channel = await capabilitiesOf(tx, orgId, conversation.channelId);
  const open = !channel.window24h || windowOpen(conversation.lastInboundAt, now.getTime());
  const body: SendMessageBody | null = open ? { type: 'text', text: row.body } : row.template ? { type: 'template', template: row.template } : null;
  if (!body) return fail('window_closed');

  let stored: Awaited<ReturnType<typeof storeOutgoing>>;
  try {
    // A savepoint: a refusal (unknown template, channel gone…) rolls back the attempt, not the failure we record.
    stored = await tx.transaction((sp) => storeOutgoing(sp, crypto, sender, conversation, body, scheduledClientId(id), { automatic: true }));
  } catch (err) {
    if (err instanceof ApiError) return fail(err.code);
    throw err;
  }
  const message = stored.message;
  await tx
    .update(scheduledMessages)
    .set({ status: 'sent', messageId: message.id, error: null, updatedAt: now })
    .where(and(eq(scheduledMessages.organizationId, orgId), eq(scheduledMessages.id, id)));
  await recordAudit(tx, {
    action: 'message.scheduled_sent',
    organizationId: orgId,
    actorUserId: row.createdBy,
    actorType: 'system',
    targetType: 'message',
    targetId: message.id,
    metadata: { scheduledMessageId: id, conversationId: conversation.id, kind: body.type, sendAt: row.sendAt.toISOString() },
  });
  return { kind: 'sent', conversationId: conversation.id, message, created: stored.created };
}

/** Whether a stored message still needs its queue message (new, or found again after a crash before the enqueue). */
export const awaitsQueue = (m: Message) => m.status === 'queued' && !m.providerMessageId && !m.isPrivate && !m.sendLeaseUntil;
