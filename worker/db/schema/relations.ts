import { relations } from 'drizzle-orm';
import { channels } from './channels';
import { contactLabels, contacts } from './contacts';
import { labels } from './content';
import { conversationLabels, conversations } from './conversations';
import { dealStageHistory, deals, pipelineStages, pipelines } from './deals';
import { memberships } from './members';
import { messageReactions, messages } from './messages';
import { organizations, users } from './platform';

export const organizationsRelations = relations(organizations, ({ many }) => ({
  memberships: many(memberships),
  channels: many(channels),
  contacts: many(contacts),
  conversations: many(conversations),
  pipelines: many(pipelines),
}));

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  organization: one(organizations, { fields: [memberships.organizationId], references: [organizations.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));

export const channelsRelations = relations(channels, ({ one, many }) => ({
  organization: one(organizations, { fields: [channels.organizationId], references: [organizations.id] }),
  conversations: many(conversations),
}));

export const contactsRelations = relations(contacts, ({ one, many }) => ({
  organization: one(organizations, { fields: [contacts.organizationId], references: [organizations.id] }),
  conversations: many(conversations),
  labels: many(contactLabels),
  deals: many(deals),
}));

export const labelsRelations = relations(labels, ({ many }) => ({
  contacts: many(contactLabels),
  conversations: many(conversationLabels),
}));

export const contactLabelsRelations = relations(contactLabels, ({ one }) => ({
  contact: one(contacts, { fields: [contactLabels.contactId], references: [contacts.id] }),
  label: one(labels, { fields: [contactLabels.labelId], references: [labels.id] }),
}));

export const conversationsRelations = relations(conversations, ({ one, many }) => ({
  organization: one(organizations, { fields: [conversations.organizationId], references: [organizations.id] }),
  channel: one(channels, { fields: [conversations.channelId], references: [channels.id] }),
  contact: one(contacts, { fields: [conversations.contactId], references: [contacts.id] }),
  assignee: one(users, { fields: [conversations.assigneeId], references: [users.id] }),
  messages: many(messages),
  labels: many(conversationLabels),
}));

export const conversationLabelsRelations = relations(conversationLabels, ({ one }) => ({
  conversation: one(conversations, { fields: [conversationLabels.conversationId], references: [conversations.id] }),
  label: one(labels, { fields: [conversationLabels.labelId], references: [labels.id] }),
}));

export const messagesRelations = relations(messages, ({ one, many }) => ({
  conversation: one(conversations, { fields: [messages.conversationId], references: [conversations.id] }),
  sender: one(users, { fields: [messages.senderUserId], references: [users.id] }),
  replyTo: one(messages, { fields: [messages.replyToMessageId], references: [messages.id] }),
  reactions: many(messageReactions),
}));

export const messageReactionsRelations = relations(messageReactions, ({ one }) => ({
  message: one(messages, { fields: [messageReactions.messageId], references: [messages.id] }),
  contact: one(contacts, { fields: [messageReactions.contactId], references: [contacts.id] }),
  user: one(users, { fields: [messageReactions.userId], references: [users.id] }),
}));

export const pipelinesRelations = relations(pipelines, ({ one, many }) => ({
  organization: one(organizations, { fields: [pipelines.organizationId], references: [organizations.id] }),
  stages: many(pipelineStages),
  deals: many(deals),
}));

export const pipelineStagesRelations = relations(pipelineStages, ({ one, many }) => ({
  pipeline: one(pipelines, { fields: [pipelineStages.pipelineId], references: [pipelines.id] }),
  deals: many(deals),
}));

export const dealsRelations = relations(deals, ({ one, many }) => ({
  pipeline: one(pipelines, { fields: [deals.pipelineId], references: [pipelines.id] }),
  stage: one(pipelineStages, { fields: [deals.stageId], references: [pipelineStages.id] }),
  contact: one(contacts, { fields: [deals.contactId], references: [contacts.id] }),
  conversation: one(conversations, { fields: [deals.conversationId], references: [conversations.id] }),
  owner: one(users, { fields: [deals.ownerId], references: [users.id] }),
  stageHistory: many(dealStageHistory),
}));

export const dealStageHistoryRelations = relations(dealStageHistory, ({ one }) => ({
  deal: one(deals, { fields: [dealStageHistory.dealId], references: [deals.id] }),
}));
