// Evolution API v2 webhook bodies as the server posts them (shapes from evolution-api 2.3's
// whatsapp.baileys.service.ts prepareMessage and webhook.controller.ts emit): for normaliser and webhook tests.

export const INSTANCE = 'loja-centro';
const INSTANCE_ID = '6f1c2a9e-3b1d-4c55-9a57-2f6a8a1d0c11';
const OWNER = '5511955500001@s.whatsapp.net';

let counter = 0;
/** A message id as WhatsApp makes them (uppercase hex), unique per call. */
export function messageId(prefix = '3EB0'): string {
  counter += 1;
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${prefix}${hex}${counter.toString(16).toUpperCase().padStart(4, '0')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function envelope<T>(event: string, data: T, instance = INSTANCE) {
  return {
    event,
    instance,
    data,
    destination: 'https://conversa.example/webhooks/evolution/x',
    date_time: '2026-12-04T10:15:30.123-03:00',
    sender: OWNER,
    server_url: 'http://127.0.0.1:8791',
    apikey: 'B7A1C3D2-0000-4E5F-8A9B-1C2D3E4F5A6B',
  };
}

export interface KeyOptions {
  from?: string;
  id?: string;
  fromMe?: boolean;
  group?: string;
  participant?: string;
  participantAlt?: string;
  lid?: string;
  /** With a LID sender: their phone as remoteJidAlt (newer Evolution) — omit to leave it unknown. */
  alt?: string;
}

export function key(o: KeyOptions = {}) {
  const from = o.from ?? '5511987654321';
  if (o.group) {
    return {
      remoteJid: o.group,
      fromMe: o.fromMe ?? false,
      id: o.id ?? messageId('A5'),
      participant: o.participant ?? `${from}@s.whatsapp.net`,
      ...(o.participantAlt && { participantAlt: o.participantAlt }),
    };
  }
  if (o.lid) {
    return {
      remoteJid: o.lid,
      fromMe: o.fromMe ?? false,
      id: o.id ?? messageId('A5'),
      addressingMode: 'lid',
      ...(o.alt && { remoteJidAlt: o.alt }),
    };
  }
  return { remoteJid: `${from}@s.whatsapp.net`, fromMe: o.fromMe ?? false, id: o.id ?? messageId(o.fromMe ? '3EB0' : 'A5') };
}

const deviceInfo = { messageContextInfo: { deviceListMetadata: { senderKeyHash: 'q3Qx0Pq1YQ==', senderTimestamp: '1733300000', recipientKeyHash: 'Hk2l1A==', recipientTimestamp: '1733290000' }, deviceListMetadataVersion: 2 } };

export function upsert(message: Record<string, unknown>, messageType: string, o: KeyOptions & { pushName?: string; timestamp?: number; contextInfo?: Record<string, unknown> } = {}) {
  return {
    key: key(o),
    pushName: o.pushName ?? (o.fromMe ? 'Você' : 'Maria Souza'),
    status: o.fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    message: { ...message, ...deviceInfo },
    contextInfo: o.contextInfo ?? null,
    messageType,
    messageTimestamp: o.timestamp ?? nowSeconds(),
    instanceId: INSTANCE_ID,
    source: 'android',
  };
}

export const text = (body: string, o: Parameters<typeof upsert>[2] = {}) => envelope('messages.upsert', upsert({ conversation: body }, 'conversation', o));
/** Older releases (and some clients) keep WhatsApp's extendedTextMessage instead of flattening it to conversation. */
export const extendedText = (body: string, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ extendedTextMessage: { text: body, previewType: 'NONE', inviteLinkGroupTypeV2: 'DEFAULT' } }, 'extendedTextMessage', o));

const mediaFields = { url: 'https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m232/up-oil-image-abc.enc?ccb=9-4', fileSha256: 'k1J7r9bS8q0nq+S0rB1N2mI8xwLcC4qY1n3z9cPqf0A=', fileEncSha256: 'Lw9s0mR1T2p3Q4r5S6t7U8v9W0x1Y2z3A4b5C6d7E8=', mediaKey: 'a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012345=', directPath: '/o1/v/t62.7118-24/f1/m232/up-oil-image-abc.enc?ccb=9-4', mediaKeyTimestamp: '1733300000' };

export const image = (caption: string | undefined, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ imageMessage: { ...mediaFields, mimetype: 'image/jpeg', ...(caption && { caption }), fileLength: '48213', height: 1280, width: 960, jpegThumbnail: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP' } }, 'imageMessage', o));
export const voiceNote = (o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ audioMessage: { ...mediaFields, mimetype: 'audio/ogg; codecs=opus', fileLength: '9120', seconds: 7, ptt: true, waveform: 'AAAYJjg=' } }, 'audioMessage', o));
export const video = (caption: string, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ videoMessage: { ...mediaFields, mimetype: 'video/mp4', caption, fileLength: '812345', seconds: 12 } }, 'videoMessage', o));
export const documentMessage = (fileName: string, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ documentMessage: { ...mediaFields, mimetype: 'application/pdf', title: fileName, fileName, fileLength: '120431', pageCount: 2 } }, 'documentMessage', o));
/** A document sent with a caption arrives wrapped (older releases; v2 unwraps it). */
export const documentWithCaption = (fileName: string, caption: string, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ documentWithCaptionMessage: { message: { documentMessage: { ...mediaFields, mimetype: 'application/pdf', title: fileName, fileName, caption, fileLength: '120431' } } } }, 'documentWithCaptionMessage', o));
export const sticker = (o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ stickerMessage: { ...mediaFields, mimetype: 'image/webp', isAnimated: false, fileLength: '21034', height: 512, width: 512 } }, 'stickerMessage', o));
export const location = (o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ locationMessage: { degreesLatitude: -23.561684, degreesLongitude: -46.655981, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo' } }, 'locationMessage', o));
export const contact = (o: Parameters<typeof upsert>[2] = {}) =>
  envelope(
    'messages.upsert',
    upsert({ contactMessage: { displayName: 'João Pereira', vcard: 'BEGIN:VCARD\nVERSION:3.0\nN:Pereira;João;;;\nFN:João Pereira\nTEL;type=CELL;type=VOICE;waid=5521988887777:+55 21 98888-7777\nEND:VCARD' } }, 'contactMessage', o),
  );
export const reaction = (target: { id: string; fromMe: boolean; remoteJid: string }, emoji: string, o: Parameters<typeof upsert>[2] = {}) =>
  envelope('messages.upsert', upsert({ reactionMessage: { key: target, text: emoji, senderTimestampMs: String(Date.now()) } }, 'reactionMessage', o));
/** A reply quoting an earlier message: Evolution lifts contextInfo to the top level. */
export const quotedReply = (body: string, quoted: { id: string; text: string; participant?: string }, o: Parameters<typeof upsert>[2] = {}) =>
  envelope(
    'messages.upsert',
    upsert({ conversation: body }, 'conversation', {
      ...o,
      contextInfo: { stanzaId: quoted.id, participant: quoted.participant ?? OWNER, quotedMessage: { conversation: quoted.text }, expiration: 0 },
    }),
  );

export const statusUpdate = (id: string, status: string, o: { fromMe?: boolean; remoteJid?: string } = {}) =>
  envelope('messages.update', {
    keyId: id,
    remoteJid: o.remoteJid ?? '5511987654321@s.whatsapp.net',
    fromMe: o.fromMe ?? true,
    participant: null,
    status,
    instanceId: INSTANCE_ID,
    messageId: 'cm4x9y0z10001abcd',
  });

export const deleted = (id: string, o: { fromMe?: boolean; remoteJid?: string } = {}) =>
  envelope('messages.delete', { remoteJid: o.remoteJid ?? '5511987654321@s.whatsapp.net', fromMe: o.fromMe ?? false, id });

export const connection = (state: 'open' | 'connecting' | 'close', o: { wuid?: string; statusReason?: number } = {}) =>
  envelope('connection.update', {
    instance: INSTANCE,
    state,
    statusReason: o.statusReason ?? 200,
    ...(state === 'open' && { wuid: o.wuid ?? OWNER, profileName: 'Loja Centro', profilePictureUrl: null }),
  });

/** A QR code data URL (a 1×1 PNG stands in for the image). */
export const QR_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const qrcode = (code = '2@y8lW1QJx0kq1sTn9aS3bJ0m9z6xA==,Wq0b1Yk=,Zx9c8V7b6N5m4L3k2J1h0G==,Qw1E2r3T4y5U6i7O8p9A0s=') =>
  envelope('qrcode.updated', { qrcode: { instance: INSTANCE, pairingCode: null, code, base64: QR_PNG } });

export const history = (messages: ReturnType<typeof upsert>[]) => envelope('messages.set', messages);
