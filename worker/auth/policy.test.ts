// The RBAC policy as a table: every action × role, and the per-conversation rules for agents.
import { describe, expect, it } from 'vitest';
import type { Role } from '../db/schema';
import { ApiError } from '../errors';
import type { Actor } from './actor';
import { authorize, can, RULES, type Action } from './policy';

const ROLES: Role[] = ['tenant_admin', 'manager', 'agent'];

function actor(role: Role, userId = crypto.randomUUID()): Actor {
  return {
    userId,
    orgId: crypto.randomUUID(),
    role,
    isSuperAdmin: false,
    viaSuperAdmin: false,
    sessionId: crypto.randomUUID(),
    ip: '127.0.0.1',
    userAgent: null,
  };
}

// can()/authorize() are typed per action; the tables below call them generically.
const canAny = can as (a: Actor, action: Action, target?: unknown) => boolean;
const authorizeAny = authorize as (a: Actor, action: Action, target?: unknown) => void;

const EVERYONE: Role[] = ['tenant_admin', 'manager', 'agent'];
const STAFF: Role[] = ['tenant_admin', 'manager'];
const ADMIN: Role[] = ['tenant_admin'];

/** Who may do what, written out from the product rules (not derived from RULES, so a wrong rule fails here). */
const EXPECTED: Record<Exclude<Action, `conversation.${string}`>, Role[]> = {
  'organization.read': EVERYONE,
  'organization.update': ADMIN,
  'members.read': STAFF,
  'team.read': EVERYONE,
  'members.invite': ADMIN,
  'members.update_role': ADMIN,
  'members.remove': ADMIN,
  'audit.read': ADMIN,
  'channels.read': EVERYONE,
  'channels.manage': ADMIN,
  'templates.manage': ADMIN,
  'retention.manage': ADMIN,
  'dead_letters.manage': ADMIN,
  'reports.read': STAFF,
  'conversations.list_all': STAFF,
  'conversations.start': EVERYONE,
  'contacts.read': EVERYONE,
  'contacts.write': EVERYONE,
  'contacts.delete': STAFF,
  'contacts.import': STAFF,
  'contacts.erase': ADMIN,
  'deals.read': EVERYONE,
  'deals.write': EVERYONE,
  'pipelines.manage': STAFF,
  'canned_responses.manage': STAFF,
  'labels.manage': STAFF,
  'departments.read': EVERYONE,
  'departments.manage': STAFF,
  'channels.automation': ADMIN,
  'integrations.manage': ADMIN,
  'privacy.read': ADMIN,
  'legal_hold.manage': ADMIN,
  'contacts.export_data': ADMIN,
};
const CONVERSATION_ACTIONS = ['conversation.read', 'conversation.reply', 'conversation.update', 'conversation.assign', 'conversation.mark_important'] as const;

describe('policy: action × role', () => {
  it('the table covers every action of the policy', () => {
    expect(Object.keys(RULES).sort()).toEqual([...Object.keys(EXPECTED), ...CONVERSATION_ACTIONS].sort());
  });

  for (const [action, allowed] of Object.entries(EXPECTED) as [Action, Role[]][]) {
    for (const role of ROLES) {
      const ok = allowed.includes(role);
      it(`${action} as ${role} → ${ok ? 'allowed' : 'denied'}`, () => {
        const a = actor(role);
        expect(canAny(a, action)).toBe(ok);
        if (ok) {
          expect(() => authorizeAny(a, action)).not.toThrow();
        } else {
          let thrown: unknown;
          try {
            authorizeAny(a, action);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(ApiError);
          expect(thrown).toMatchObject({ status: 403, code: 'forbidden' });
          expect((thrown as ApiError).message).toContain(action);
          expect((thrown as ApiError).message).toContain(role);
        }
      });
    }
  }

  it('a super admin who entered an organisation acts as its tenant admin', () => {
    const root = { ...actor('tenant_admin'), isSuperAdmin: true, viaSuperAdmin: true };
    for (const action of Object.keys(EXPECTED) as Action[]) expect(canAny(root, action), action).toBe(true);
  });
});

describe('policy: conversations', () => {
  const me = crypto.randomUUID();
  const colleague = crypto.randomUUID();

  const mine = crypto.randomUUID();
  const other = crypto.randomUUID();
  type Row = { who: string; assigneeId: string | null; departmentId?: string; agent: boolean };
  const readRows: Row[] = [
    { who: 'own conversation', assigneeId: me, agent: true },
    { who: 'own conversation in another department', assigneeId: me, departmentId: other, agent: true },
    { who: 'unassigned (general queue)', assigneeId: null, agent: true },
    { who: "unassigned in the agent's department", assigneeId: null, departmentId: mine, agent: true },
    { who: "unassigned in another department's queue", assigneeId: null, departmentId: other, agent: false },
    { who: "another agent's conversation", assigneeId: colleague, agent: false },
  ];

  for (const action of ['conversation.read', 'conversation.reply', 'conversation.update', 'conversation.mark_important'] as const) {
    for (const row of readRows) {
      it(`${action}, ${row.who}: agent ${row.agent ? 'allowed' : 'denied'}, manager and admin allowed`, () => {
        const target = { assigneeId: row.assigneeId, departmentId: row.departmentId ?? null };
        expect(can({ ...actor('agent', me), departments: [mine] }, action, target)).toBe(row.agent);
        expect(can(actor('manager', me), action, target)).toBe(true);
        expect(can(actor('tenant_admin', me), action, target)).toBe(true);
        if (!row.agent) expect(() => authorize({ ...actor('agent', me), departments: [mine] }, action, target)).toThrow(ApiError);
      });
    }
  }

  type AssignRow = { who: string; assigneeId: string | null; newAssigneeId: string | null; agent: boolean };
  const assignRows: AssignRow[] = [
    { who: 'takes an unassigned conversation for themselves', assigneeId: null, newAssigneeId: me, agent: true },
    { who: 'gives an unassigned conversation to a colleague', assigneeId: null, newAssigneeId: colleague, agent: false },
    { who: 'unassigns an unassigned conversation', assigneeId: null, newAssigneeId: null, agent: false },
    { who: 'hands their own conversation to a colleague', assigneeId: me, newAssigneeId: colleague, agent: false },
    { who: 'puts their own conversation back in the queue', assigneeId: me, newAssigneeId: null, agent: false },
    { who: "takes a colleague's conversation", assigneeId: colleague, newAssigneeId: me, agent: false },
    { who: "moves a colleague's conversation elsewhere", assigneeId: colleague, newAssigneeId: crypto.randomUUID(), agent: false },
  ];
  it("conversation.assign: an agent may not take an unassigned conversation from another department's queue", () => {
    const agent = { ...actor('agent', me), departments: [mine] };
    expect(can(agent, 'conversation.assign', { assigneeId: null, departmentId: mine, newAssigneeId: me })).toBe(true);
    expect(can(agent, 'conversation.assign', { assigneeId: null, departmentId: other, newAssigneeId: me })).toBe(false);
  });
  for (const row of assignRows) {
    it(`conversation.assign: agent ${row.who} → ${row.agent ? 'allowed' : 'denied'}; staff always allowed`, () => {
      const target = { assigneeId: row.assigneeId, newAssigneeId: row.newAssigneeId };
      expect(can(actor('agent', me), 'conversation.assign', target)).toBe(row.agent);
      expect(can(actor('manager', me), 'conversation.assign', target)).toBe(true);
      expect(can(actor('tenant_admin', me), 'conversation.assign', target)).toBe(true);
    });
  }

  it("an agent's rights follow their own id, not just their role", () => {
    const target = { assigneeId: me };
    expect(can(actor('agent', me), 'conversation.reply', target)).toBe(true);
    expect(can(actor('agent', colleague), 'conversation.reply', target)).toBe(false);
  });
});
