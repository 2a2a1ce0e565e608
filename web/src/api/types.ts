// What the API returns, as JSON (dates are ISO strings). Resources already declared for OpenAPI take their types
// from the API's response schemas (worker/schemas/: z.infer, so the contract is the API's, never a table's columns);
// the interfaces left here are shapes nested in messages and events. Request bodies come
// straight from the worker's zod schemas, so a change there fails this app's typecheck.
export type { SendMessageBody } from '../../../worker/schemas/messages';

import type { OrgChoice } from '../../../worker/schemas/auth';
export type Role = OrgChoice['role'];
export type ConversationStatus = ConversationRow['status'];
export type MessageStatus = Message['status'];
export type MessageKind = Message['kind'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Log-in answers and the caller's organisations (worker/schemas/auth.ts); invitations (admins' list, the accept page). */
export type { Invitation, InvitationLookup, OrgChoice, TokenResponse, User } from '../../../worker/schemas/auth';
/** GET /api/v1/organization (worker/schemas/organization.ts). */
export type { Organization } from '../../../worker/schemas/organization';
/** GET /api/v1/audit-logs (worker/schemas/audit-logs.ts). */
export type { AuditEntry } from '../../../worker/schemas/audit-logs';

/** A message, an inbox row and the open chat: the API's own schemas (worker/schemas/conversations.ts). */
export type { ConversationDetail, ConversationRow, Message } from '../../../worker/schemas/conversations';
import type { ConversationRow, Message } from '../../../worker/schemas/conversations';
/** The contact as an inbox row carries it. */
export type ContactSummary = ConversationRow['contact'];
export type Reaction = Message['reactions'][number];
export type MessageMedia = NonNullable<Message['media']>;

/** A channel of /api/v1/channels and of `channel.updated` events; a synced template (worker/schemas/channels.ts). */
export type { Channel, Template, TemplateComponent } from '../../../worker/schemas/channels';

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
