// Media the fake serves: files Conversa uploads, and files "customers" send (given bytes, or a small placeholder per
// kind so an image message always has something real behind its media id).
import { createHash } from 'node:crypto';
import { newNumericId, type FakeMetaState, type StoredMedia } from './state';
import type { MediaKind } from './webhooks';

/** The types the Cloud API takes, from Meta's supported-media list. */
export const SUPPORTED_MIME_TYPES = [
  'audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg',
  'image/jpeg', 'image/png', 'image/webp',
  'video/mp4', 'video/3gpp',
  'text/plain', 'application/pdf', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
];

/** Compares the bare type, so "audio/ogg; codecs=opus" counts as audio/ogg. */
export const isSupportedMime = (mime: string): boolean =>
  SUPPORTED_MIME_TYPES.includes(mime.split(';')[0]!.trim().toLowerCase());

export function storeMedia(
  state: FakeMetaState, input: { phoneNumberId: string; bytes: Buffer; mimeType: string; filename?: string },
): StoredMedia {
  const media: StoredMedia = {
    id: newNumericId(state),
    phoneNumberId: input.phoneNumberId,
    mimeType: input.mimeType,
    bytes: input.bytes,
    sha256Hex: createHash('sha256').update(input.bytes).digest('hex'),
    ...(input.filename ? { filename: input.filename } : {}),
    createdAt: state.now(),
  };
  state.media.set(media.id, media);
  return media;
}

export const sha256Base64 = (media: StoredMedia): string => Buffer.from(media.sha256Hex, 'hex').toString('base64');

// A 24×24 WhatsApp-green PNG, a 1×1 WebP, and token headers for the rest: enough for downloads to be byte-exact.
const GREEN_PNG = 'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR42mNQvZxGFcQwatCoQaMGjRo0atCoQQNvEADMchOuawgZHgAAAABJRU5ErkJggg==';
const TINY_WEBP = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==';

export function placeholderMedia(kind: MediaKind, voice = false): { bytes: Buffer; mimeType: string; filename?: string } {
  switch (kind) {
    case 'image':
      return { bytes: Buffer.from(GREEN_PNG, 'base64'), mimeType: 'image/png' };
    case 'sticker':
      return { bytes: Buffer.from(TINY_WEBP, 'base64'), mimeType: 'image/webp' };
    case 'audio':
      return { bytes: Buffer.from('OggS\0fake-meta placeholder audio'), mimeType: voice ? 'audio/ogg; codecs=opus' : 'audio/mpeg' };
    case 'video':
      return { bytes: Buffer.from('\0\0\0\x18ftypmp42fake-meta placeholder video', 'latin1'), mimeType: 'video/mp4' };
    case 'document':
      return {
        bytes: Buffer.from('%PDF-1.4\n% fake-meta placeholder document\n%%EOF\n'),
        mimeType: 'application/pdf',
        filename: 'documento.pdf',
      };
  }
}
