// A PATCH of a conversation, as outgoing webhook events: always conversation.updated (the shape PATCH answers with),
// and conversation.resolved too when this change resolved it.
import type { Conversation } from '../db/schema';
import type { EmittedEvent } from './emit';

export function conversationChangeEvents(before: Pick<Conversation, 'status'>, after: Conversation): EmittedEvent[] {
  const events: EmittedEvent[] = [{ type: 'conversation.updated', data: after }];
  if (after.status === 'resolved' && before.status !== 'resolved') events.push({ type: 'conversation.resolved', data: after });
  return events;
}
