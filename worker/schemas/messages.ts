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
    // Audio recorded as a voice note (Ogg/Opus): WhatsApp shows it as one (waveform, auto-download), not as a file.
    voice: z.boolean().optional(),
    replyToMessageId,
    clientId,
  }),
]);
export type SendMessageBody = z.infer<typeof sendMessageBody>;

export const updateConversationBody = z
  .object({
    status: z.enum(['open', 'pending', 'resolved', 'snoozed']),
    assigneeId: z.uuid().nullable(),
    /** Transfer to a department's queue (null: the general queue). */
    departmentId: z.uuid().nullable(),
    snoozedUntil: isoInstant.nullable(),
    important: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

// One emoji as WhatsApp takes it: a single grapheme (skin tones, flags and short ZWJ sequences included), at most
// 16 bytes of UTF-8. The `v` flag is built at runtime so the TypeScript target need not know it.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PICTOGRAPH = /^\p{Extended_Pictographic}\uFE0F?$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function isSingleEmoji(value: string): boolean {
  if (new TextEncoder().encode(value).byteLength > 16) return false;
  if ([...graphemes.segment(value)].length !== 1) return false;
  return RGI_EMOJI.test(value) || PICTOGRAPH.test(value);
}

/** The business's reaction to a message; "" removes it. */
export const reactionBody = z.object({
  emoji: z.string().refine((e) => e === '' || isSingleEmoji(e), 'must be one emoji (at most 16 bytes), or "" to remove the reaction'),
});
export type ReactionBody = z.infer<typeof reactionBody>;

const templateRef = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  components: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
});

/**
 * POST /api/v1/conversations: a conversation started from our side, with a contact or a typed number, on a channel,
 * and its first message: an approved template (what opens a conversation on Meta's Cloud API) or text (QR-connected
 * numbers; on Meta only while the customer's 24-hour window is open).
 */
export const startConversationBody = z
  .object({
    channelId: z.uuid(),
    contactId: z.uuid().optional(),
    phone: z.string().trim().min(3).max(32).optional(),
    /** For a number no contact has yet: the new contact's name. */
    name: z.string().trim().min(1).max(120).optional(),
    template: templateRef.optional(),
    text: z.string().trim().min(1).max(4096).optional(),
    clientId,
  })
  .refine((b) => Boolean(b.contactId) !== Boolean(b.phone), { message: 'give exactly one of contactId and phone', path: ['contactId'] })
  .refine((b) => Boolean(b.template) !== Boolean(b.text), { message: 'give exactly one of template and text', path: ['template'] });
