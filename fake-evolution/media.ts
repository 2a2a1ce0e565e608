// Media as it appears in WhatsApp messages: the content object (imageMessage, audioMessage …) with WhatsApp's CDN
// fields (url, directPath, mediaKey, hashes, fileLength as a digit string), built from the real bytes so sizes,
// dimensions and durations agree with the file; and reading the media a send gives (URL, data URL or base64).
import { createHash, randomBytes } from 'node:crypto';
import { badRequest } from './errors';
import { unixSeconds } from './ids';
import {
  imageSize, mimeFromFileName, oggSeconds, sampleMp4, sampleOggOpus, samplePdf, SAMPLE_JPEG, SAMPLE_WEBP, sniffMime, THUMBNAIL_B64,
} from './samples';
import type { StoredMedia } from './state';

export type MediaKind = 'image' | 'video' | 'audio' | 'ptt' | 'document' | 'sticker';

export const MESSAGE_TYPE: Record<MediaKind, string> = {
  image: 'imageMessage', video: 'videoMessage', audio: 'audioMessage', ptt: 'audioMessage', document: 'documentMessage', sticker: 'stickerMessage',
};

const CDN_PATH: Record<MediaKind, string> = {
  image: 't62.7118-24', video: 't62.7161-24', audio: 't62.7117-24', ptt: 't62.7117-24', document: 't62.7119-24', sticker: 't62.15575-24',
};

const DEFAULT_MIME: Record<MediaKind, string> = {
  image: 'image/jpeg', video: 'video/mp4', audio: 'audio/ogg; codecs=opus', ptt: 'audio/ogg; codecs=opus', document: 'application/pdf', sticker: 'image/webp',
};

/** A small valid file of the kind, for customer messages that give no bytes. */
export function sampleBytes(kind: MediaKind): Buffer {
  if (kind === 'image') return SAMPLE_JPEG();
  if (kind === 'sticker') return SAMPLE_WEBP();
  if (kind === 'audio' || kind === 'ptt') return sampleOggOpus(kind === 'ptt' ? 3 : 2);
  if (kind === 'video') return sampleMp4();
  return samplePdf();
}

/** The media a fake message carries: bytes plus what is known about them. */
export function describeMedia(kind: MediaKind, bytes: Buffer, opts: { mimetype?: string; fileName?: string; caption?: string } = {}): StoredMedia {
  const mimetype = opts.mimetype ?? mimeFromFileName(opts.fileName) ?? sniffMime(bytes) ?? DEFAULT_MIME[kind];
  const size = kind === 'image' || kind === 'sticker' ? imageSize(bytes) : null;
  return {
    bytes,
    mimetype: kind === 'ptt' && mimetype.startsWith('audio/ogg') ? 'audio/ogg; codecs=opus' : mimetype,
    ...(opts.fileName !== undefined ? { fileName: opts.fileName } : {}),
    ...(opts.caption !== undefined ? { caption: opts.caption } : {}),
    ...(size ? { width: size.width, height: size.height } : {}),
  };
}

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

/** WhatsApp's CDN fields for one encrypted upload. */
function cdnFields(kind: MediaKind, media: StoredMedia) {
  const directPath = `/v/${CDN_PATH[kind]}/${digits(11)}_${digits(16)}_${digits(16)}_n.enc?ccb=11-4&oh=01_Q5Aa${b64(24).replace(/[+/=]/g, 'x')}&oe=${(unixSeconds() + 86400 * 14).toString(16).toUpperCase()}&_nc_sid=5e03e0`;
  return {
    url: `https://mmg.whatsapp.net${directPath}&mms3=true`,
    mimetype: media.mimetype,
    fileSha256: createHash('sha256').update(media.bytes).digest('base64'),
    fileLength: String(media.bytes.length),
    mediaKey: b64(32),
    fileEncSha256: b64(32),
    directPath,
    mediaKeyTimestamp: String(unixSeconds()),
  };
}

/** The content object (value of imageMessage, audioMessage …) for the media. */
export function mediaContent(
  kind: MediaKind, media: StoredMedia, opts: { seconds?: number; contextInfo?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const base = cdnFields(kind, media);
  const caption = media.caption ? { caption: media.caption } : {};
  const ctx = opts.contextInfo ? { contextInfo: opts.contextInfo } : {};
  const seconds = opts.seconds ?? Math.max(1, oggSeconds(media.bytes));
  switch (kind) {
    case 'image':
      return { ...base, ...caption, height: media.height ?? 1, width: media.width ?? 1, jpegThumbnail: THUMBNAIL_B64, ...ctx };
    case 'sticker':
      return { ...base, height: media.height ?? 64, width: media.width ?? 64, isAnimated: false, isAvatar: false, isAiSticker: false, isLottie: false, ...ctx };
    case 'video':
      return { ...base, ...caption, seconds, height: 480, width: 848, jpegThumbnail: THUMBNAIL_B64, ...ctx };
    case 'audio':
    case 'ptt':
      return { ...base, seconds, ptt: kind === 'ptt', ...(kind === 'ptt' ? { waveform: b64(64) } : {}), ...ctx };
    case 'document': {
      const fileName = media.fileName ?? 'documento.pdf';
      return {
        ...base, title: fileName, fileName, ...caption,
        ...(media.mimetype === 'application/pdf' ? { pageCount: 1, jpegThumbnail: THUMBNAIL_B64 } : {}), ...ctx,
      };
    }
  }
}

/**
 * Reads the `media` / `audio` of a send: an http(s) URL (fetched, as Evolution downloads it), a data: URL, or plain
 * base64. Anything else is Evolution's 400.
 */
export async function loadMedia(input: unknown, signal?: AbortSignal): Promise<{ bytes: Buffer; mimetype?: string }> {
  if (typeof input !== 'string' || input.trim() === '') throw badRequest('Owned media must be a url or base64');
  const value = input.trim();
  if (/^https?:\/\//i.test(value)) {
    let res: Response;
    try {
      res = await fetch(value, { signal: AbortSignal.any([AbortSignal.timeout(15_000), ...(signal ? [signal] : [])]) });
    } catch (err) {
      throw badRequest(`Error downloading media: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!res.ok) throw badRequest(`Error downloading media: HTTP ${res.status}`);
    const type = res.headers.get('content-type')?.split(';')[0]?.trim();
    return { bytes: Buffer.from(await res.arrayBuffer()), ...(type && type !== 'application/octet-stream' ? { mimetype: type } : {}) };
  }
  const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(value);
  if (dataUrl) return { bytes: Buffer.from(dataUrl[2]!, 'base64'), ...(dataUrl[1] ? { mimetype: dataUrl[1] } : {}) };
  const compact = value.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) throw badRequest('Owned media must be a url or base64');
  return { bytes: Buffer.from(compact, 'base64') };
}
