// Retention exclusions (issue 21 §3): legal holds on conversations and messages marked important.
import { z } from 'zod';
import { instant } from '../openapi/responses';

/** Why a legal hold is placed or lifted: mandatory, kept in its history and in the audit log. */
export const legalHoldBody = z.object({ reason: z.string().trim().min(3).max(1000) });
export type LegalHoldBody = z.infer<typeof legalHoldBody>;

export const LegalHold = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    reason: z.string(),
    placedBy: z.uuid().nullable(),
    placedAt: instant,
    liftedBy: z.uuid().nullable(),
    liftedAt: instant.nullable(),
    liftReason: z.string().nullable(),
  })
  .meta({ id: 'LegalHold' });
export type LegalHold = z.infer<typeof LegalHold>;

/** The hold in force (null: none) and every hold the conversation had, newest first. */
export const LegalHoldState = z.object({ active: LegalHold.nullable(), history: z.array(LegalHold) }).meta({ id: 'LegalHoldState' });
export type LegalHoldState = z.infer<typeof LegalHoldState>;

export const importantBody = z.object({ important: z.boolean() });
