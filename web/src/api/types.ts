// What the API returns, as JSON (dates are ISO strings). Mirrors worker/domain/dto.ts (messages),
// worker/domain/conversations.ts (list rows), worker/auth/login.ts (token responses) and the route files.
// Request bodies come straight from the worker's zod schemas, so a change there fails this app's typecheck.
import type { z } from 'zod';
import type { createCannedBody } from '../../../worker/domain/canned-responses';
import type * as Schema from '../../../worker/db/schema';
import type { ContactHit as SearchContactHit, MessageHit as SearchMessageHit } from '../../../worker/domain/search';
import type { Json } from './json';
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
export interface ConversationRow {
  id: string;
  status: ConversationStatus;
  assigneeId: string | null;
  /** The department's queue it waits in (null: the general queue). */
  departmentId?: string | null;
  /** Written outside the channel's business hours (the out-of-hours message went out then). */
  outOfHoursAt?: string | null;
  /** The menu bot is still talking with the customer. */
  botActive?: boolean;
  channelId: string;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  /** The oldest customer message not answered yet (the "waiting" order); null once an agent replied. */
  waitingSince?: string | null;
  lastInboundAt: string | null;
  /** The reader's own count: a conversation opened by a colleague is still unread for you. */
  unreadCount: number;
  /** Each member's own count once they opened it (the organisation's socket sends one row to everyone). */
  unreadBy?: Record<string, number>;
  important: boolean;
  contact: ContactSummary;
  /** The conversation's labels (older servers leave them out). */
  labels?: LabelRef[];
  createdAt?: string;
  updatedAt: string;
}

export interface ConversationDetail extends ConversationRow {
  snoozedUntil: string | null;
  /** `applies: false` for numbers connected through WhatsApp Web (Evolution): no 24-hour rule, no templates. */
  window: { open: boolean; expiresAt: string | null; applies?: boolean };
  channel?: { provider: 'meta_cloud' | 'evolution'; window24h: boolean; templates: boolean };
  /** The satisfaction survey asked when it was resolved: null when never asked; rating null until answered. */
  csat?: { rating: number | null; comment: string | null; askedAt: string; answeredAt: string | null } | null;
}

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

export interface Message {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  kind: MessageKind;
  isPrivate: boolean;
  body: string | null;
  payload: Record<string, unknown>;
  media: MessageMedia | null;
  providerMessageId: string | null;
  replyToMessageId: string | null;
  replyToProviderId: string | null;
  status: MessageStatus;
  error: { code: number | null; title: string | null; detail: string | null } | null;
  senderUserId: string | null;
  clientId: string | null;
  reactions: Reaction[];
  providerTimestamp: string | null;
  /** The message's time: WhatsApp's for a customer's message, arrival otherwise (older servers: createdAt). */
  at?: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
  lastLoginAt: string | null;
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

export interface Channel {
  id: string;
  provider: 'meta_cloud' | 'evolution';
  name: string;
  phoneNumberId: string | null;
  wabaId: string | null;
  displayPhoneNumber: string | null;
  status: 'active' | 'disabled';
  /** Evolution (QR-connected numbers): the instance, its WhatsApp connection and the QR code to scan meanwhile. */
  instanceName: string | null;
  connectionState: 'open' | 'connecting' | 'close' | 'refused' | null;
  qrCode: string | null;
  qrUpdatedAt: string | null;
  connectionUpdatedAt: string | null;
  lastEventAt: string | null;
  sendRatePerMinute: number;
  silentAfterMinutes: number;
  capabilities: { window24h: boolean; templates: boolean };
  /** "Open" yet nothing received for silentAfterMinutes: check the phone. */
  silent: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text: string }[];
  [key: string]: unknown;
}

export interface Template {
  id: string;
  channelId: string;
  providerTemplateId: string | null;
  name: string;
  language: string;
  category: string | null;
  status: string | null;
  components: TemplateComponent[] | null;
  syncedAt: string | null;
}

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

/** A row of /api/v1/canned-responses (worker/routes/canned-responses.ts); `variables` are the {{names}} the body uses. */
export type CannedResponse = Json<Pick<Schema.CannedResponse, 'id' | 'shortcut' | 'title' | 'body'>> &
  Partial<Json<Pick<Schema.CannedResponse, 'createdAt' | 'updatedAt'>>> & { variables?: string[] };
export type CannedResponseBody = z.input<typeof createCannedBody>;

/** A label of /api/v1/labels (worker/domain/labels.ts labelColumns); rows and chips carry the LabelRef part. */
export type Label = Json<Pick<Schema.Label, 'id' | 'name' | 'color' | 'description' | 'createdAt'>>;
export type LabelRef = Pick<Label, 'id' | 'name' | 'color'>;
/** POST/PATCH /api/v1/labels (createLabelBody in worker/domain/labels.ts, which the web build cannot import). */
export type LabelBody = Pick<Label, 'name' | 'color' | 'description'>;

/** GET /api/v1/contact-attributes. */
export type AttributeDefinition = Json<Pick<Schema.ContactAttributeDefinition, 'id' | 'key' | 'label' | 'type' | 'options' | 'description' | 'position'>>;

/** GET /api/v1/team: every member's name, for any role (typing indicators, assignees). */
export interface TeamMember {
  id: string;
  name: string | null;
  role: Role;
  /** Online or away as the member chose while a tab of theirs is open; offline once the last one closed. */
  presence?: 'online' | 'away' | 'offline';
  /** Satisfaction survey ratings of conversations they resolved, answered in the last 90 days. */
  csat?: { average: number | null; count: number } | null;
}

/** GET /api/v1/search: the worker's own hit types, as JSON. */
export interface SearchResult {
  q: string;
  messages: MessageHit[];
  contacts: ContactHit[];
}
export type MessageHit = Json<Omit<SearchMessageHit, 'snippet'>>;
export type ContactHit = Json<SearchContactHit>;

export interface RealtimeEvent<T = unknown> {
  type: string;
  data: T;
  seq: number;
}

/** GET /api/v1/departments (worker/domain/departments.ts). */
export type { DepartmentDto as Department } from '../../../worker/domain/departments';
/** GET/PUT /api/v1/channels/:id/automation (worker/domain/channel-automation.ts, worker/schemas/service-desk.ts). */
export type { Automation } from '../../../worker/domain/channel-automation';
export type { BotConfig, HoursConfig, MenuOption } from '../../../worker/schemas/service-desk';

/** GET /api/v1/api-keys (worker/domain/api-keys.ts listApiKeys); the key itself only in the creation answer. */
export type ApiKeyScope = 'read' | 'write' | 'send' | 'admin';
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: { id: string; name: string | null } | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
