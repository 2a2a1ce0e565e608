// Zod schemas for the WhatsApp Cloud API webhook body (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
// Every object is a looseObject: Meta adds fields without notice (BSUIDs, identity_key_hash, pricing.type…) and an
// unknown field must never make a valid webhook fail. What we route or de-duplicate on (entry id, phone_number_id,
// wamid, timestamps) is strict; message content is validated per type so one odd message degrades instead of failing.
import { z } from 'zod';

const nonEmpty = z.string().min(1);

/** Meta sends unix seconds as a string ("1749416383"); a number is accepted too (local fakes, older payloads). */
export const unixSeconds = z
  .union([z.string().regex(/^\d{1,12}$/, 'expected unix seconds'), z.number().int().nonnegative()])
  .transform((v) => new Date(Number(v) * 1000));

/** Meta error codes are numbers; a numeric string is tolerated. */
const errorCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** The error object of statuses[].errors, messages[].errors and value.errors. */
export const metaErrorSchema = z.looseObject({
  code: errorCode,
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type MetaError = z.infer<typeof metaErrorSchema>;

// ── Envelope ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** `value` stays unknown here: its shape depends on `field`, and non-message fields must never fail parsing. */
export const changeSchema = z.looseObject({ field: nonEmpty, value: z.unknown() });

export const entrySchema = z.looseObject({
  /** The WhatsApp Business Account id. */
  id: nonEmpty,
  changes: z.array(changeSchema),
});

export const webhookEnvelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(entrySchema),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

// ── field: "messages" value ───────────────────────────────────────────────────────────────────────────────────────

export const metadataSchema = z.looseObject({
  display_phone_number: z.string().optional(),
  phone_number_id: nonEmpty,
});

/** value.contacts[]: the sender's profile. `wa_id` is omitted for users whose phone number is hidden behind a username. */
export const senderContactSchema = z.looseObject({
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  /** Business-scoped user id (BSUID), sent since 2026. */
  user_id: z.string().optional(),
});
export type SenderContact = z.infer<typeof senderContactSchema>;

/** Messages and statuses are validated one by one (see normalise.ts), so each stays unknown here. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: metadataSchema,
  contacts: z.array(senderContactSchema).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(metaErrorSchema).optional(),
});

// ── messages[] ────────────────────────────────────────────────────────────────────────────────────────────────────

export const contextSchema = z.looseObject({
  /** Quoted message: its sender and wamid. Absent on a plain forward. */
  from: z.string().optional(),
  id: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
  /** Set when the user asks about a catalogue product ("Message business" on a product). */
  referred_product: z.looseObject({ catalog_id: z.string(), product_retailer_id: z.string() }).optional(),
});

/** Click-to-WhatsApp ad / post attribution; only on the first message after the click. Every field is optional. */
export const referralSchema = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(), // "ad" | "post"
  headline: z.string().optional(),
  body: z.string().optional(),
  media_type: z.string().optional(), // "image" | "video"
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
  welcome_message: z.looseObject({ text: z.string().optional() }).optional(),
});
export type Referral = z.infer<typeof referralSchema>;

/** Fields every inbound message has. `from` is omitted for username users; `from_user_id` (BSUID) then identifies them. */
export const baseMessageSchema = z
  .looseObject({
    id: nonEmpty,
    from: nonEmpty.optional(),
    from_user_id: nonEmpty.optional(),
    timestamp: unixSeconds,
    type: nonEmpty,
    context: contextSchema.optional(),
    // Attribution is nice to have: a malformed referral is dropped rather than degrading the whole message.
    referral: referralSchema.optional().catch(undefined),
    errors: z.array(metaErrorSchema).optional(),
  })
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, {
    message: 'message has neither from nor from_user_id',
    path: ['from'],
  });
export type BaseMessage = z.infer<typeof baseMessageSchema>;

const media = {
  id: nonEmpty,
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  /** Short-lived download URL, included by newer API versions; the id is what we rely on. */
  url: z.string().optional(),
};
export const imageSchema = z.looseObject({ ...media, caption: z.string().optional() });
export const videoSchema = z.looseObject({ ...media, caption: z.string().optional() });
export const audioSchema = z.looseObject({ ...media, voice: z.boolean().optional() });
export const documentSchema = z.looseObject({
  ...media,
  caption: z.string().optional(),
  filename: z.string().optional(),
});
export const stickerSchema = z.looseObject({ ...media, animated: z.boolean().optional() });

const coordinate = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
export const locationSchema = z.looseObject({
  latitude: coordinate,
  longitude: coordinate,
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** A shared contact card. Meta omits whatever the user's device does not share, so nearly everything is optional. */
export const sharedContactSchema = z.looseObject({
  name: z
    .looseObject({
      formatted_name: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
    })
    .optional(),
  phones: z
    .array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }))
    .optional(),
  emails: z.array(z.looseObject({ email: z.string().optional(), type: z.string().optional() })).optional(),
  org: z.looseObject({ company: z.string().optional() }).optional(),
});
export type SharedContact = z.infer<typeof sharedContactSchema>;

export const buttonReplySchema = z.looseObject({
  type: z.literal('button_reply'),
  button_reply: z.looseObject({ id: z.string(), title: z.string() }),
});
export const listReplySchema = z.looseObject({
  type: z.literal('list_reply'),
  list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }),
});
/** Flow / address-message submissions: `response_json` is a JSON string, `body` is "Sent" for flows. */
export const nfmReplySchema = z.looseObject({
  type: z.literal('nfm_reply'),
  nfm_reply: z.looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() }),
});
export const knownInteractiveSchema = z.discriminatedUnion('type', [buttonReplySchema, listReplySchema, nfmReplySchema]);
/** Other interactive replies (call permission, future ones) are kept raw as interactive. */
export const interactiveSchema = z.union([knownInteractiveSchema, z.looseObject({ type: z.string() })]);

/** Quick-reply button of a template. */
export const buttonSchema = z.looseObject({ text: z.string(), payload: z.string().optional() });

/** `emoji` is omitted (or empty) when the user removes their reaction. */
export const reactionSchema = z.looseObject({ message_id: nonEmpty, emoji: z.string().optional() });

export const systemSchema = z.looseObject({
  body: z.string().optional(),
  type: z.string().optional(), // "user_changed_number", "customer_identity_changed", "user_changed_user_id"…
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
});

export const orderSchema = z.looseObject({
  catalog_id: z.string().optional(),
  text: z.string().optional(),
  product_items: z.array(z.looseObject({})).optional(),
});

// Each known type = the base fields + its literal `type` + its content object. safeExtend keeps the base's refine.
const ext = baseMessageSchema.safeExtend.bind(baseMessageSchema);

/** Every message type we understand; anything else (or a known type whose content is malformed) is kept as unsupported. */
export const knownMessageSchema = z.discriminatedUnion('type', [
  ext({ type: z.literal('text'), text: z.looseObject({ body: z.string() }) }),
  ext({ type: z.literal('image'), image: imageSchema }),
  ext({ type: z.literal('video'), video: videoSchema }),
  ext({ type: z.literal('audio'), audio: audioSchema }),
  ext({ type: z.literal('document'), document: documentSchema }),
  ext({ type: z.literal('sticker'), sticker: stickerSchema }),
  ext({ type: z.literal('location'), location: locationSchema }),
  ext({ type: z.literal('contacts'), contacts: z.array(sharedContactSchema) }),
  ext({ type: z.literal('interactive'), interactive: interactiveSchema }),
  ext({ type: z.literal('button'), button: buttonSchema }),
  ext({ type: z.literal('reaction'), reaction: reactionSchema }),
  ext({ type: z.literal('system'), system: systemSchema }),
  ext({ type: z.literal('order'), order: orderSchema }),
  ext({ type: z.literal('request_welcome') }),
  ext({ type: z.literal('unsupported'), unsupported: z.looseObject({ type: z.string().optional() }).optional() }),
]);
export type KnownMessage = z.infer<typeof knownMessageSchema>;
export const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set(knownMessageSchema.options.map((o) => o.shape.type.value));

// ── statuses[] ────────────────────────────────────────────────────────────────────────────────────────────────────

export const conversationSchema = z.looseObject({
  id: z.string().optional(),
  expiration_timestamp: unixSeconds.optional(),
  origin: z.looseObject({ type: z.string().optional() }).optional(),
});
export type StatusConversation = z.infer<typeof conversationSchema>;

/** `billable` is deprecated; `pricing_model` is "PMP" since July 2025 ("CBP" before); `type` came with PMP. */
export const pricingSchema = z.looseObject({
  billable: z.boolean().optional(),
  pricing_model: z.string().optional(),
  category: z.string().optional(),
  type: z.string().optional(),
});
export type StatusPricing = z.infer<typeof pricingSchema>;

export const statusSchema = z.looseObject({
  id: nonEmpty,
  /** sent | delivered | read | failed | played (voice) | deleted; kept open so a new value is classified, not fatal. */
  status: nonEmpty,
  timestamp: unixSeconds,
  /** Omitted when the message was sent to a BSUID instead of a phone number. */
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  recipient_type: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  // Billing details are informative only: malformed ones are dropped rather than losing the status.
  conversation: conversationSchema.optional().catch(undefined),
  pricing: pricingSchema.optional().catch(undefined),
  errors: z.array(metaErrorSchema).optional(),
});
export type MetaStatus = z.infer<typeof statusSchema>;
