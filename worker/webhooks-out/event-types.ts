// The events an outgoing webhook endpoint may subscribe to. No imports: the web app lists them from here.
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'conversation.created',
  'conversation.updated',
  'conversation.resolved',
  'contact.created',
  'contact.updated',
  'deal.created',
  'deal.updated',
  'deal.deleted',
] as const;
