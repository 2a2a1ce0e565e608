// What the operational routes answer: the health check and the dev mail outbox. Plain zod.
import { z } from 'zod';
import { instant } from '../openapi/responses';

const deadLetters = z.object({
  parked: z.number().int().nullable().meta({ description: 'Dead letters parked in R2 waiting for the database; null when R2 could not be read' }),
  oldestParkedAt: z.string().nullable(),
});
export const Health = z
  .object({
    status: z.enum(['ok', 'error']),
    db: z.enum(['ok', 'unreachable']),
    version: z.string(),
    reason: z.string().optional().meta({ description: 'Why the database is unreachable' }),
    deadLetters,
  })
  .meta({ id: 'Health' });

export const OutboxMail = z
  .object({ id: z.uuid(), to: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable(), kind: z.string(), createdAt: instant })
  .meta({ id: 'OutboxMail' });
export const outboxQuery = z.object({ to: z.string().optional() });

export type Health = z.infer<typeof Health>;
export type OutboxMail = z.infer<typeof OutboxMail>;
