// Scheduling a message for later in a conversation: the text, when, and (Meta numbers) a template for a closed window.
import { z } from 'zod';
import { scheduledMessageStatusEnum } from '../db/schema/scheduled';
import { isoInstant } from './common';

/** The approved template sent instead of the text if the customer's 24-hour window is closed at send time. */
export const scheduledTemplate = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  components: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
});

const fields = {
  sendAt: isoInstant,
  text: z.string().trim().min(1).max(4096),
  template: scheduledTemplate.nullable(),
};

export const createScheduledBody = z.object({ ...fields, template: fields.template.optional() });
export type CreateScheduledBody = z.infer<typeof createScheduledBody>;

export const updateScheduledBody = z
  .object(fields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateScheduledBody = z.infer<typeof updateScheduledBody>;

/** A scheduled message as the API and the chat show it (everything but the organisation). */
export const ScheduledMessage = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    createdBy: z.uuid().nullable(),
    sendAt: z.string().meta({ format: 'date-time' }),
    body: z.string(),
    template: scheduledTemplate.nullable(),
    status: z.enum(scheduledMessageStatusEnum.enumValues),
    /** The message it became once sent. */
    messageId: z.uuid().nullable(),
    error: z.string().nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'ScheduledMessage' });
export type ScheduledMessage = z.infer<typeof ScheduledMessage>;
