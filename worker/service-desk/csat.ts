// The satisfaction survey (CSAT): asked when a person resolves a conversation, answered by the customer with a rating
// and then, optionally, a comment; each step an automatic message like the menu bot's (queued, audited, the
// organisation's). The answers are stored in the resolved conversation they rate, never in a new one: they would only
// clutter the inbox with conversations nobody needs to answer. The ingest (queues/ingest/store.ts) reads and records
// them with the messages, in one transaction; the replies to them follow after commit (answerSurvey).
import { and, eq, gte, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { channels, contacts, conversations, csatResponses, messages, type Channel, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import type { ContentCrypto } from '../domain/content-crypto';
import { windowOpen } from '../domain/conversations';
import { DEFAULT_CSAT, type CsatConfig } from '../schemas/service-desk';
import { automatic, isGroupChat } from './automatic';
import { parseRating, surveyList, surveyText } from './csat-words';

const config = (channel: Pick<Channel, 'csat'>): CsatConfig | null => (channel.csat?.enabled ? { ...DEFAULT_CSAT, ...channel.csat } : null);

/**
 * On resolve by a person: the survey row and the question, when the channel asks and the customer ever wrote. Asked once
 * per conversation (resolving it again after a reopen does not ask twice). On Meta only while the 24-hour window is
 * open: outside it the Cloud API refuses free text, and a template just for this is not worth the cost.
 */
export async function askSurvey(tx: Tx, crypto: ContentCrypto, orgId: string, c: Conversation, now = new Date()): Promise<Message | null> {
  const [channel] = await tx.select().from(channels).where(and(eq(channels.organizationId, orgId), eq(channels.id, c.channelId)));
  const cfg = channel && config(channel);
  if (!channel || !cfg || c.deletedAt) return null;
  const [contact] = await tx.select({ waId: contacts.waId }).from(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, c.contactId)));
  if (!contact || isGroupChat(contact.waId)) return null;
  const meta = channel.provider === 'meta_cloud';
  if (meta && !windowOpen(c.lastInboundAt, now.getTime())) return null;
  const [wrote] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, c.id), eq(messages.direction, 'inbound'), isNull(messages.deletedAt)))
    .limit(1);
  if (!wrote) return null;
  const [row] = await tx
    .insert(csatResponses)
    .values({ organizationId: orgId, conversationId: c.id, channelId: channel.id, agentId: c.assigneeId, askedAt: now, expiresAt: new Date(now.getTime() + cfg.expiresHours * 3_600_000) })
    .onConflictDoNothing({ target: csatResponses.conversationId })
    .returning({ id: csatResponses.id });
  if (!row) return null;
  return automatic(tx, crypto, orgId, c, channel, surveyText(cfg), meta ? surveyList(cfg) : null, 'csat_question');
}

/** What a customer message needs from the survey to be read as an answer: its text, and the row it tapped. */
export interface Reply {
  kind: string;
  body: string | null;
  payload: unknown;
}
const tappedId = (payload: unknown) => {
  const i = (payload as { interactive?: { button_reply?: { id?: string }; list_reply?: { id?: string } } } | null)?.interactive;
  return i?.list_reply?.id ?? i?.button_reply?.id ?? null;
};
/** A comment is written text; a photo or an audio is not an answer to "tell us in a message". */
const isComment = (m: Reply) => m.kind === 'text' && !!m.body?.trim();

/** What the ingest marks on a customer message it stored as an answer (payload.csat). */
export type AnswerKind = 'rating' | 'comment';
const answerKind = (m: Pick<Message, 'payload'>): AnswerKind | null => (m.payload as { csat?: AnswerKind } | null)?.csat ?? null;
export const isSurveyAnswer = (m: Pick<Message, 'payload'>) => answerKind(m) !== null;

export interface OpenSurvey {
  id: string;
  conversationId: string;
  rated: boolean;
  labels: string[];
}

/**
 * The ingest's question before it opens conversations: which of these contacts are answering a survey on this channel?
 * An open survey (unexpired, waiting for a rating or a comment) of the contact's latest resolved conversation there,
 * while no other conversation with them is open. Keyed `${channelId}|${contactId}` like the ingest's pairs. The rows
 * are locked (in id order) until the ingest's commit, so two batches of one customer take their answers in turn.
 */
export async function openSurveys(tx: Tx, orgId: string, pairs: { channelId: string; contactId: string }[], now = new Date()): Promise<Map<string, OpenSurvey>> {
  if (pairs.length === 0) return new Map();
  const rows = await tx
    .select({
      id: csatResponses.id,
      conversationId: csatResponses.conversationId,
      channelId: csatResponses.channelId,
      contactId: conversations.contactId,
      askedAt: csatResponses.askedAt,
      rating: csatResponses.rating,
      csat: channels.csat,
    })
    .from(csatResponses)
    .innerJoin(conversations, eq(conversations.id, csatResponses.conversationId))
    .innerJoin(channels, eq(channels.id, csatResponses.channelId))
    .where(
      and(
        eq(csatResponses.organizationId, orgId),
        inArray(csatResponses.channelId, [...new Set(pairs.map((p) => p.channelId))]),
        inArray(conversations.contactId, [...new Set(pairs.map((p) => p.contactId))]),
        sql`${csatResponses.expiresAt} > ${now.toISOString()}::timestamptz`,
        isNull(csatResponses.commentedAt),
        eq(conversations.status, 'resolved'),
        isNull(conversations.deletedAt),
        // Switched off meanwhile: the open surveys go quiet with it.
        sql`coalesce((${channels.csat}->>'enabled')::boolean, false)`,
        sql`not exists (select 1 from ${conversations} o where o.organization_id = ${orgId} and o.channel_id = ${csatResponses.channelId}
              and o.contact_id = ${conversations.contactId} and o.status <> 'resolved' and o.deleted_at is null)`,
      ),
    )
    .orderBy(csatResponses.id)
    .for('update', { of: csatResponses });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const key = `${r.channelId}|${r.contactId}`;
    if (!latest.has(key) || latest.get(key)!.askedAt < r.askedAt) latest.set(key, r);
  }
  return new Map(
    [...latest].map(([key, r]) => [key, { id: r.id, conversationId: r.conversationId, rated: r.rating !== null, labels: { ...DEFAULT_CSAT, ...r.csat }.labels }]),
  );
}

/**
 * Which of one contact's new messages (in order) answer their open survey: the rating, then one comment. The first
 * message that is neither ends the survey (`closes`): it and everything after it are ordinary messages. Messages
 * `aside` — the business's own (Evolution echoes, typed on the phone) and reactions — stay with the survey while it is
 * being answered, neither answering nor ending it (kind null).
 */
export function surveyAnswers<M extends { aside: boolean; reply: Reply }>(
  survey: OpenSurvey,
  turn: M[],
): { answers: Map<M, AnswerKind | null>; rating: number | null; comment: string | null; closes: boolean } {
  const answers = new Map<M, AnswerKind | null>();
  let rating: number | null = null;
  let comment: string | null = null;
  let step: 'rating' | 'comment' | 'done' = survey.rated ? 'comment' : 'rating';
  for (const m of turn) {
    if (step === 'done') break;
    if (m.aside) {
      answers.set(m, null);
      continue;
    }
    const r = step === 'rating' ? parseRating(m.reply.body, tappedId(m.reply.payload), survey.labels) : null;
    if (r !== null) {
      rating = r;
      step = 'comment';
      answers.set(m, 'rating');
    } else if (step === 'comment' && isComment(m.reply)) {
      comment = m.reply.body!.trim().slice(0, 4000);
      step = 'done';
      answers.set(m, 'comment');
    } else {
      return { answers, rating, comment, closes: true };
    }
  }
  return { answers, rating, comment, closes: false };
}

/** The ingest records the answers with the messages that carry them, in its transaction (the row is locked). */
export async function recordAnswers(tx: Tx, orgId: string, id: string, a: { rating: number | null; comment: string | null; closes: boolean }, now = new Date()) {
  if (a.rating === null && a.comment === null && !a.closes) return;
  await tx
    .update(csatResponses)
    .set({
      ...(a.rating !== null && { rating: a.rating, answeredAt: now }),
      ...(a.comment !== null && { comment: a.comment, commentedAt: now }),
      // The customer moved on: no reminder, no second question.
      ...(a.closes && { expiresAt: now }),
    })
    .where(and(eq(csatResponses.organizationId, orgId), eq(csatResponses.id, id)));
}

/**
 * After commit (queues/service-desk.ts, through runAutomation): the next line for what the ingest stored as answers in
 * this resolved conversation — thanks after the comment, else the comment prompt after a rating.
 */
export async function answerSurvey(tx: Tx, crypto: ContentCrypto, orgId: string, c: Conversation, channel: Channel, turn: Message[], out: Message[]) {
  const cfg = config(channel);
  const kinds = new Set(turn.map(answerKind));
  if (!cfg) return;
  if (kinds.has('comment')) out.push(await automatic(tx, crypto, orgId, c, channel, cfg.thanks, null, 'csat_thanks'));
  else if (kinds.has('rating')) out.push(await automatic(tx, crypto, orgId, c, channel, cfg.commentPrompt, null, 'csat_comment_prompt'));
}

/** A conversation's survey for its detail view, or null when it was never asked. */
export async function conversationSurvey(tx: Tx, orgId: string, conversationId: string) {
  const [row] = await tx
    .select({ rating: csatResponses.rating, comment: csatResponses.comment, askedAt: csatResponses.askedAt, answeredAt: csatResponses.answeredAt })
    .from(csatResponses)
    .where(and(eq(csatResponses.organizationId, orgId), eq(csatResponses.conversationId, conversationId)));
  return row ?? null;
}

export const CSAT_PERIOD_DAYS = 90;

/** Each agent's average rating over the answers of the last `days` days (by when the customer answered). */
export async function agentRatings(tx: Tx, orgId: string, days = CSAT_PERIOD_DAYS, now = new Date()): Promise<Map<string, { average: number; count: number }>> {
  const rows = await tx
    .select({ agentId: csatResponses.agentId, average: sql<string>`avg(${csatResponses.rating})`, count: sql<number>`count(*)::int` })
    .from(csatResponses)
    .where(
      and(
        eq(csatResponses.organizationId, orgId),
        isNotNull(csatResponses.agentId),
        isNotNull(csatResponses.rating),
        gte(csatResponses.answeredAt, new Date(now.getTime() - days * 86_400_000)),
      ),
    )
    .groupBy(csatResponses.agentId);
  return new Map(rows.map((r) => [r.agentId!, { average: Math.round(Number(r.average) * 100) / 100, count: r.count }]));
}
