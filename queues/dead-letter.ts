// Messages that exhausted their retries land here; they are kept in `dead_letters` for an admin to inspect and
// replay. Stored as one multi-row insert per batch.
import { deadLetters } from '../worker/db/schema';
import type { Db } from '../worker/db/client';
import { asSystem } from '../worker/db/tx';
import { queueMessage } from './messages';

export interface DeadLetterInput {
  id: string;
  body: unknown;
  attempts: number;
}

export function toDeadLetterRow(queue: string, m: DeadLetterInput) {
  const parsed = queueMessage.safeParse(m.body);
  const organizationId = parsed.success && parsed.data.type === 'outbound.send' ? parsed.data.organizationId : null;
  return {
    queue,
    messageId: m.id,
    organizationId,
    body: m.body as object,
    attempts: m.attempts,
    error: parsed.success ? `retries exhausted (${parsed.data.type})` : 'retries exhausted (unrecognised body)',
  };
}

export async function storeDeadLetters(db: Db, queue: string, messages: DeadLetterInput[]) {
  if (messages.length === 0) return;
  await asSystem(db, (tx) => tx.insert(deadLetters).values(messages.map((m) => toDeadLetterRow(queue, m))));
}
