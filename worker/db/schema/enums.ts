import { pgEnum } from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['tenant_admin', 'manager', 'agent']);
export const channelProviderEnum = pgEnum('channel_provider', ['meta_cloud', 'evolution']);
export const channelStatusEnum = pgEnum('channel_status', ['active', 'disabled']);
export const conversationStatusEnum = pgEnum('conversation_status', ['open', 'pending', 'resolved', 'snoozed']);
export const messageDirectionEnum = pgEnum('message_direction', ['inbound', 'outbound']);
export const messageKindEnum = pgEnum('message_kind', [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'template',
  'unsupported',
  'system',
]);
export const messageStatusEnum = pgEnum('message_status', [
  'received',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
]);
export const mediaStatusEnum = pgEnum('media_status', ['none', 'pending', 'stored', 'failed']);
export const dealStatusEnum = pgEnum('deal_status', ['open', 'won', 'lost']);
export const actorTypeEnum = pgEnum('actor_type', ['user', 'system', 'meta', 'super_admin', 'api_key']);

export type Role = (typeof roleEnum.enumValues)[number];
export type ChannelProvider = (typeof channelProviderEnum.enumValues)[number];
export type ChannelStatus = (typeof channelStatusEnum.enumValues)[number];
export type ConversationStatus = (typeof conversationStatusEnum.enumValues)[number];
export type MessageDirection = (typeof messageDirectionEnum.enumValues)[number];
export type MessageKind = (typeof messageKindEnum.enumValues)[number];
export type MessageStatus = (typeof messageStatusEnum.enumValues)[number];
export type MediaStatus = (typeof mediaStatusEnum.enumValues)[number];
export type DealStatus = (typeof dealStatusEnum.enumValues)[number];
export type ActorType = (typeof actorTypeEnum.enumValues)[number];
