// What a stored ingest batch means for outgoing webhooks: customers' new messages, status changes of ours, and the
// conversations it opened — shaped as the REST API returns them, from what the store already read (no query here).
import type { Message } from '../db/schema';
import { messageDto } from '../domain/dto';
import type { EmittedEvent } from './emit';

interface Stored {
  created: Message[];
  updated: Message[];
  openedConversationIds?: string[];
  prefetched?: { summaries: { id: string }[] };
}

export function ingestWebhookEvents(stored: Stored): EmittedEvent[] {
  const opened = new Set(stored.openedConversationIds ?? []);
  return [
    ...(stored.prefetched?.summaries ?? []).filter((s) => opened.has(s.id)).map((s) => ({ type: 'conversation.created' as const, data: s })),
    ...stored.created.map((m) => ({ type: 'message.created' as const, data: messageDto(m) })),
    ...stored.updated.map((m) => ({ type: 'message.updated' as const, data: messageDto(m) })),
  ];
}
