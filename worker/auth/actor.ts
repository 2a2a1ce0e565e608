import type { ApiKeyScope, Role } from '../db/schema';

/** Who is calling: resolved per request from the access token and the database (role and session are live). */
export interface Actor {
  userId: string;
  orgId: string;
  role: Role;
  isSuperAdmin: boolean;
  /** True when a super admin acts in an organisation they are not a member of (every such use is audited). */
  viaSuperAdmin: boolean;
  sessionId: string;
  ip: string;
  userAgent: string | null;
  /** The departments the member belongs to: an agent sees their unassigned conversations (and the general queue's). */
  departments?: string[];
  /**
   * Set when the caller is an API key: it acts as a tenant admin narrowed to these scopes (policy.ts SCOPE_OF);
   * userId is then the key's creator (so rows that need a user, e.g. a sent message's sender, have one) and
   * sessionId is empty.
   */
  apiKey?: { id: string; scopes: ApiKeyScope[] };
}
