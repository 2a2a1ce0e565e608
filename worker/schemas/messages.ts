// What an agent may send into a conversation.
import { z } from 'zod';
import { isoInstant } from './common';

const clientId = z.string().trim().min(1).max(100).optional();
const replyToMessageId = z.uuid().optional();

export const sendMessageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(4096), replyToMessageId, clientId }),
  // Private note: stays in Conversa, never sent to the customer.
  z.object({ type: z.literal('note'), text: z.string().trim().min(1).max(10_000), clientId }),
  z.object({
    type: z.literal('template'),
    template: z.object({
      name: z.string().min(1).max(512),
      language: z.string().min(2).max(15),
      components: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
    }),
    clientId,
  }),
  z.object({
    type: z.enum(['image', 'video', 'audio', 'document']),
    // A public link, or the key of a file uploaded with POST /conversations/:id/media.
    media: z.union([
      z.object({ link: z.url({ protocol: /^https?$/ }).max(2048), filename: z.string().max(240).optional() }),
      z.object({ key: z.string().min(10).max(200), filename: z.string().max(240).optional() }),
    ]),
    caption: z.string().max(1024).optional(),
    replyToMessageId,
    clientId,
  }),
]);
export type SendMessageBody = z.infer<typeof sendMessageBody>;

export const updateConversationBody = z
  .object({
    status: z.enum(['open', 'pending', 'resolved', 'snoozed']),
    assigneeId: z.uuid().nullable(),
    snoozedUntil: isoInstant.nullable(),
    important: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
