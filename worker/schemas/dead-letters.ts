// Dead letters as the API gives them: queue messages that exhausted their retries, for admins to look at and replay.
import { z } from 'zod';
import { limitParam } from '../lib/cursor';
import { instant } from '../openapi/responses';

export const deadLettersQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: limitParam,
  pending: z.enum(['true', 'false']).optional().meta({ description: 'true: only those not replayed yet' }),
});

export const DeadLetter = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid().nullable().meta({ description: 'null: belongs to no tenant (a webhook); super admins only' }),
    queue: z.string(),
    messageId: z.string().nullable(),
    body: z.unknown().meta({ description: 'The queue message as it was' }),
    error: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: instant,
    replayedAt: instant.nullable(),
  })
  .meta({ id: 'DeadLetter' });
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterReplay = z.object({ status: z.literal('replayed'), id: z.uuid() });
