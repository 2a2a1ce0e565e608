// What the API returns, as JSON (dates are ISO strings). Resources already declared for OpenAPI take their types
// from the API's response schemas (worker/schemas/: z.infer, so the contract is the API's, never a table's columns);
// the interfaces left here mirror routes not converted yet (worker/openapi/undocumented.ts). Request bodies come
// straight from the worker's zod schemas, so a change there fails this app's typecheck.
export type { SendMessageBody } from '../../../worker/schemas/messages';

export type Role = 'tenant_admin' | 'manager' | 'agent';
export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type MessageKind =
  | 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contacts'
  | 'interactive' | 'button' | 'reaction' | 'template' | 'unsupported' | 'system';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface OrgChoice {
  id: string;
  name: string;
  slug: string;
  locale: string | null;
  role: Role;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  isSuperAdmin: boolean;
  locale: string | null;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  user: User;
  organization: OrgChoice;
  organizations: OrgChoice[];
}

export interface ContactSummary {
  id: string;
  name: string | null;
  profileName: string | null;
  phone: string | null;
  waId: string | null;
}

/** A row of GET /api/v1/conversations, and the data of `conversation.updated` events. */


/** A message, an inbox row and the open chat: the API's own schemas (worker/schemas/conversations.ts). */
export type { ConversationDetail, ConversationRow, Message } from '../../../worker/schemas/conversations';

export interface Reaction {
  emoji: string;
  contactId: string | null;
  userId: string | null;
}

export interface MessageMedia {
  status: 'pending' | 'stored' | 'failed';
  mimeType: string | null;
  size: number | null;
  filename: string | null;
  url: string | null;
}



export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  createdAt: string;
  invitedBy: string | null;
}

export interface InvitationLookup {
  email: string;
  role: Role;
  organization: { id: string; name: string };
  accountExists: boolean;
  expiresAt: string;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  locale: string;
  timezone: string;
  currency: string;
  retentionEnabled: boolean;
  retentionDays: number;
  graceDays: number;
  /** Replying to an unassigned conversation makes the replier its assignee. */
  assignOnReply: boolean;
  createdAt: string;
}

/** A channel of /api/v1/channels and of `channel.updated` events; a synced template (worker/schemas/channels.ts). */
export type { Channel, Template, TemplateComponent } from '../../../worker/schemas/channels';

export interface AuditEntry {
  id: string;
  action: string;
  actorUserId: string | null;
  actorType: 'user' | 'system' | 'meta' | 'super_admin';
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** A row of /api/v1/canned-responses; `variables` are the {{names}} the body uses (worker/schemas/canned-responses.ts). */
export type { CannedResponse, CannedResponseBody } from '../../../worker/schemas/canned-responses';

/** A label of /api/v1/labels, and the part rows and chips carry; the API's own schemas (worker/schemas/labels.ts). */
export type { Label, LabelBody, LabelRef } from '../../../worker/schemas/labels';

/** GET /api/v1/contact-attributes (worker/schemas/contact-attributes.ts). */
export type { AttributeDefinition } from '../../../worker/schemas/contact-attributes';

/** GET /api/v1/team: every member's name, for any role (typing indicators, assignees); worker/schemas/team.ts. */
export type { Member, TeamMember } from '../../../worker/schemas/team';

/** GET /api/v1/search (worker/schemas/search.ts). */
export type { ContactHit, MessageHit, SearchResult } from '../../../worker/schemas/search';

export interface RealtimeEvent<T = unknown> {
  type: string;
  data: T;
  seq: number;
}

/** GET /api/v1/departments (worker/schemas/team.ts). */
export type { Department } from '../../../worker/schemas/team';
/** GET/PUT /api/v1/channels/:id/automation (worker/domain/channel-automation.ts, worker/schemas/service-desk.ts). */
export type { Automation } from '../../../worker/domain/channel-automation';
export type { BotConfig, HoursConfig, MenuOption } from '../../../worker/schemas/service-desk';

/** GET /api/v1/api-keys (worker/schemas/api-keys.ts); the key itself only in the creation answer. */
export type { ApiKeyInfo, ApiKeyScope } from '../../../worker/schemas/api-keys';
/** GET /api/v1/webhook-endpoints and an endpoint's delivery log (worker/schemas/webhook-endpoints.ts). */
export type { WebhookDelivery, WebhookEndpoint } from '../../../worker/schemas/webhook-endpoints';

/** GET /api/v1/organization/privacy-report (LGPD records of processing). */
export type { PrivacyReport } from '../../../worker/schemas/privacy';
