// The service desk's automatic replies to customers, right after their messages are stored: the out-of-hours
// message (once per conversation), and the menu bot — greeting and menu when a conversation opens, routing the
// reply into a department's queue, the menu again for a reply it cannot place (at most `maxAttempts` times, then a
// person). Never a word once an agent has the conversation. Each reply is an ordinary outbound message (queued,
// statuses, the channel's rate limit), the organisation's, marked `automatic`, and audited.
import { and, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { channels, contacts, conversations, departments, messages, type Channel, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import type { ContentCrypto } from '../domain/content-crypto';
import { recordActivity } from '../domain/activity';
import type { BotConfig } from '../schemas/service-desk';
import { automatic, isGroupChat } from './automatic';
import { isOpen } from './business-hours';
import { answerSurvey } from './csat';
import { interactiveMenu, matchReply, numberedText, optionsAt, type BotState } from './menu';

export interface AutomationResult {
  created: Message[];
  conversationIds: string[];
}

/** Customer messages that may start or answer the bot: live ones (not history), not from the business's phone. */
export function customerTurns(created: Message[]): Map<string, Message[]> {
  const by = new Map<string, Message[]>();
  for (const m of created) {
    if (m.direction !== 'inbound' || (m.payload as { history?: boolean } | null)?.history) continue;
    by.set(m.conversationId, [...(by.get(m.conversationId) ?? []), m]);
  }
  return by;
}

export async function runAutomation(tx: Tx, crypto: ContentCrypto, orgId: string, turns: Map<string, Message[]>, now = new Date()): Promise<AutomationResult> {
  const result: AutomationResult = { created: [], conversationIds: [] };
  if (turns.size === 0) return result;
  // Locked in id order (like the ingest's own updates): the bot's state moves one reply at a time.
  const rows = await tx
    .select({ conversation: conversations, channel: channels, waId: contacts.waId })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.organizationId, orgId), inArray(conversations.id, [...turns.keys()])))
    .orderBy(conversations.id)
    .for('update', { of: conversations });
  for (const { conversation, channel, waId } of rows) {
    if (isGroupChat(waId)) continue;
    const before = result.created.length;
    // A resolved conversation gets new messages only as answers to its satisfaction survey (queues/ingest/store.ts).
    if (conversation.status === 'resolved') await answerSurvey(tx, crypto, orgId, conversation, channel, turns.get(conversation.id)!, result.created);
    else if (channel.bot?.enabled || channel.businessHours?.enabled) await step(tx, crypto, orgId, conversation, channel, turns.get(conversation.id)!, now, result.created);
    if (result.created.length > before) result.conversationIds.push(conversation.id);
  }
  return result;
}

async function step(tx: Tx, crypto: ContentCrypto, orgId: string, c: Conversation, channel: Channel, turn: Message[], now: Date, out: Message[]) {
  if (c.assigneeId || c.status === 'resolved' || c.deletedAt) return;
  // An agent already wrote in this conversation: people are talking, the bot stays out.
  const [agentSpoke] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, c.id), isNotNull(messages.senderUserId), eq(messages.isPrivate, false)))
    .limit(1);
  if (agentSpoke) {
    if (c.botState) await setBot(tx, orgId, c.id, { botState: null });
    return;
  }
  const turnIds = turn.map((m) => m.id);
  const [earlier] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, c.id), ne(messages.kind, 'system'), sql`${messages.id} not in (${sql.join(turnIds.map((id) => sql`${id}::uuid`), sql`, `)})`))
    .limit(1);
  const opened = !earlier;
  const say = (body: string, interactive: Record<string, unknown> | null, reason: string) => automatic(tx, crypto, orgId, c, channel, body, interactive, reason).then((m) => out.push(m));

  if (channel.businessHours?.enabled && !c.outOfHoursAt && !isOpen(channel.businessHours, now)) {
    await say(channel.businessHours.message, null, 'out_of_hours');
    await setBot(tx, orgId, c.id, { outOfHoursAt: now });
  }

  const bot = channel.bot;
  if (!bot?.enabled || bot.options.length === 0) return;
  const meta = channel.provider === 'meta_cloud';
  const showMenu = (intro: string, state: BotState) => {
    const options = optionsAt(bot, state);
    return say(numberedText(intro, options), meta ? interactiveMenu(intro, options) : null, 'menu');
  };
  if (!c.botState) {
    if (!opened) return;
    await showMenu(bot.greeting, { menu: 'root', attempts: 0 });
    await setBot(tx, orgId, c.id, { botState: { menu: 'root', attempts: 0 } });
    return;
  }
  // The customer's last message of this turn is their answer.
  const reply = turn[turn.length - 1]!;
  const tapped = (reply.payload as { interactive?: { button_reply?: { id?: string }; list_reply?: { id?: string } } } | null)?.interactive;
  const options = optionsAt(bot, c.botState);
  const picked = matchReply(options, reply.body, tapped?.button_reply?.id ?? tapped?.list_reply?.id ?? null);
  const option = picked === null ? null : options[picked]!;
  if (option && 'options' in option) {
    const next: BotState = { menu: picked!, attempts: 0 };
    await showMenu(option.label, next);
    await setBot(tx, orgId, c.id, { botState: next });
    return;
  }
  if (option) {
    await route(tx, orgId, c, bot, option.departmentId, say);
    return;
  }
  const attempts = c.botState.attempts + 1;
  if (attempts >= bot.maxAttempts) {
    await say(bot.handoff, null, 'handoff');
    await setBot(tx, orgId, c.id, { botState: null });
    return;
  }
  await showMenu(bot.invalidReply, { ...c.botState, attempts });
  await setBot(tx, orgId, c.id, { botState: { ...c.botState, attempts } });
}

async function route(
  tx: Tx,
  orgId: string,
  c: Conversation,
  bot: BotConfig,
  departmentId: string,
  say: (body: string, interactive: null, reason: string) => Promise<unknown>,
) {
  const [dep] = await tx.select().from(departments).where(and(eq(departments.organizationId, orgId), eq(departments.id, departmentId)));
  // A department deleted since the menu was written: a person takes it from the general queue.
  if (!dep) {
    await say(bot.handoff, null, 'handoff');
    await setBot(tx, orgId, c.id, { botState: null });
    return;
  }
  await say(dep.greeting || bot.routed.replaceAll('{departamento}', dep.name), null, 'routed');
  await setBot(tx, orgId, c.id, { botState: null, departmentId: dep.id });
  await recordActivity(tx, { orgId, system: true }, c.id, { type: 'department', to: dep.id, name: dep.name });
}

function setBot(tx: Tx, orgId: string, id: string, patch: Partial<Pick<Conversation, 'botState' | 'departmentId' | 'outOfHoursAt'>>) {
  return tx
    .update(conversations)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, id), isNull(conversations.assigneeId)));
}
