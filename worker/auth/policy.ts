// The one place that decides "may this actor do X (to Y)". Routes call authorize(); nothing else checks roles.
import type { ApiKeyScope, Role } from '../db/schema';
import { forbidden } from '../errors';
import type { Actor } from './actor';

const ALL: readonly Role[] = ['tenant_admin', 'manager', 'agent'];
const STAFF: readonly Role[] = ['tenant_admin', 'manager'];
const ADMIN: readonly Role[] = ['tenant_admin'];

/**
 * What an agent may touch of a conversation: its own, or an unassigned one in a queue it serves — the general queue
 * (no department) or one of its departments'.
 */
export interface ConversationTarget {
  assigneeId: string | null;
  departmentId?: string | null;
}

interface Rule<T = undefined> {
  roles: readonly Role[];
  /** Extra condition on the target, applied to agents only (admins and managers see every conversation). */
  agentWhen?: (actor: Actor, target: T) => boolean;
}

export const inQueueOf = (actor: Actor, departmentId: string | null | undefined) =>
  !departmentId || (actor.departments ?? []).includes(departmentId);
const ownOrQueue = (actor: Actor, t: ConversationTarget) => t.assigneeId === actor.userId || (t.assigneeId === null && inQueueOf(actor, t.departmentId));

export const RULES = {
  'organization.read': { roles: ALL },
  'organization.update': { roles: ADMIN },
  'members.read': { roles: STAFF },
  /** Colleagues' names and roles (no e-mails): agents need them to show who is assigned or owns a deal. */
  'team.read': { roles: ALL },
  'members.invite': { roles: ADMIN },
  'members.update_role': { roles: ADMIN },
  'members.remove': { roles: ADMIN },
  'audit.read': { roles: ADMIN },
  /** Names, numbers and states (agents pick one to start a conversation); never tokens, QR codes only for admins. */
  'channels.read': { roles: ALL },
  'channels.manage': { roles: ADMIN },
  'templates.manage': { roles: ADMIN },
  'retention.manage': { roles: ADMIN },
  'dead_letters.manage': { roles: ADMIN },
  'reports.read': { roles: STAFF },
  'conversations.list_all': { roles: STAFF },
  /** Writing first to a contact or a number (a template on Meta); the new conversation is the starter's. */
  'conversations.start': { roles: ALL },
  'conversation.read': { roles: ALL, agentWhen: ownOrQueue } as Rule<ConversationTarget>,
  'conversation.reply': { roles: ALL, agentWhen: ownOrQueue } as Rule<ConversationTarget>,
  'conversation.update': { roles: ALL, agentWhen: ownOrQueue } as Rule<ConversationTarget>,
  /** Agents may only take an unassigned conversation for themselves; staff assign anyone. */
  'conversation.assign': {
    roles: ALL,
    agentWhen: (a, t) => t.assigneeId === null && inQueueOf(a, t.departmentId) && t.newAssigneeId === a.userId,
  } as Rule<ConversationTarget & { newAssigneeId: string | null }>,
  'contacts.read': { roles: ALL },
  'contacts.write': { roles: ALL },
  'contacts.delete': { roles: STAFF },
  'contacts.import': { roles: STAFF },
  /** LGPD erasure: the contact with every conversation, message and media file, for good. */
  'contacts.erase': { roles: ADMIN },
  'deals.read': { roles: ALL },
  'deals.write': { roles: ALL },
  'pipelines.manage': { roles: STAFF },
  'canned_responses.manage': { roles: STAFF },
  'labels.manage': { roles: STAFF },
  'departments.read': { roles: ALL },
  'departments.manage': { roles: STAFF },
  /** The menu bot and business hours of a number. */
  'channels.automation': { roles: ADMIN },
  /** API keys and outgoing webhook endpoints. */
  'integrations.manage': { roles: ADMIN },
  /** The records of processing (LGPD art. 37): what personal data is held, where, how long, who can reach it. */
  'privacy.read': { roles: ADMIN },
  /** Placing and lifting legal holds (retention and erasure stop for the conversation). */
  'legal_hold.manage': { roles: ADMIN },
  /** Marking a message important (retention keeps its conversation): whoever may see the conversation. */
  'conversation.mark_important': { roles: ALL, agentWhen: ownOrQueue } as Rule<ConversationTarget>,
  /** LGPD access request (art. 18 II): everything held about one contact, as a ZIP. */
  'contacts.export_data': { roles: ADMIN },
} satisfies Record<string, Rule<never>>;

export type Action = keyof typeof RULES;

/**
 * What an API key needs for each action, on top of the role check (a key acts as a tenant admin narrowed to its
 * scopes, never more): read → reading tenant data; write → changing contacts, deals, conversations' state, labels…;
 * send → writing to customers; admin → the organisation's settings, members, channels, keys and webhooks.
 * Scopes do not imply one another: a key that reads and writes lists both.
 */
export const SCOPE_OF: Record<Action, ApiKeyScope> = {
  'organization.read': 'read',
  'organization.update': 'admin',
  'members.read': 'read',
  'team.read': 'read',
  'members.invite': 'admin',
  'members.update_role': 'admin',
  'members.remove': 'admin',
  'audit.read': 'admin',
  'channels.read': 'read',
  'channels.manage': 'admin',
  'templates.manage': 'admin',
  'retention.manage': 'admin',
  'dead_letters.manage': 'admin',
  'reports.read': 'read',
  'conversations.list_all': 'read',
  'conversations.start': 'send',
  'conversation.read': 'read',
  'conversation.reply': 'send',
  'conversation.update': 'write',
  'conversation.assign': 'write',
  'contacts.read': 'read',
  'contacts.write': 'write',
  'contacts.delete': 'write',
  'contacts.import': 'write',
  'contacts.erase': 'admin',
  'privacy.read': 'admin',
  'deals.read': 'read',
  'deals.write': 'write',
  'pipelines.manage': 'admin',
  'canned_responses.manage': 'admin',
  'labels.manage': 'write',
  'departments.read': 'read',
  'departments.manage': 'admin',
  'channels.automation': 'admin',
  'integrations.manage': 'admin',
  'legal_hold.manage': 'admin',
  'conversation.mark_important': 'write',
  'contacts.export_data': 'admin',
};
type TargetOf<A extends Action> = (typeof RULES)[A] extends { agentWhen?: (actor: Actor, target: infer T) => boolean }
  ? unknown extends T
    ? undefined
    : T
  : undefined;

export function can<A extends Action>(actor: Actor, action: A, ...target: TargetOf<A> extends undefined ? [] : [TargetOf<A>]): boolean {
  const rule = RULES[action] as Rule<unknown>;
  if (!rule.roles.includes(actor.role)) return false;
  if (actor.apiKey && !actor.apiKey.scopes.includes(SCOPE_OF[action])) return false;
  if (actor.role === 'agent' && rule.agentWhen) return rule.agentWhen(actor, target[0]);
  return true;
}

export function authorize<A extends Action>(actor: Actor, action: A, ...target: TargetOf<A> extends undefined ? [] : [TargetOf<A>]): void {
  if (!can(actor, action, ...target)) {
    if (actor.apiKey) throw forbidden(`This API key lacks the "${SCOPE_OF[action]}" scope needed for ${action}`, 'insufficient_scope');
    throw forbidden(`Your role (${actor.role}) may not do ${action}`);
  }
}
