// The one place that decides "may this actor do X (to Y)". Routes call authorize(); nothing else checks roles.
import type { Role } from '../db/schema';
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
} satisfies Record<string, Rule<never>>;

export type Action = keyof typeof RULES;
type TargetOf<A extends Action> = (typeof RULES)[A] extends { agentWhen?: (actor: Actor, target: infer T) => boolean }
  ? unknown extends T
    ? undefined
    : T
  : undefined;

export function can<A extends Action>(actor: Actor, action: A, ...target: TargetOf<A> extends undefined ? [] : [TargetOf<A>]): boolean {
  const rule = RULES[action] as Rule<unknown>;
  if (!rule.roles.includes(actor.role)) return false;
  if (actor.role === 'agent' && rule.agentWhen) return rule.agentWhen(actor, target[0]);
  return true;
}

export function authorize<A extends Action>(actor: Actor, action: A, ...target: TargetOf<A> extends undefined ? [] : [TargetOf<A>]): void {
  if (!can(actor, action, ...target)) throw forbidden(`Your role (${actor.role}) may not do ${action}`);
}
