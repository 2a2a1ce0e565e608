// Identifiers and clocks the way Evolution and WhatsApp make them: message ids (uppercase hex whose prefix tells the
// device), instance ids and tokens, database ids for messages.update, and Evolution's São Paulo-time date_time.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type Source = 'android' | 'ios' | 'web' | 'unknown';

const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

/**
 * A WhatsApp message id for a device: Baileys/WhatsApp Web "3EB0" + 18 hex, iPhone "3A" + 18 hex, Android 32 hex
 * (here "A5" + 30). Random enough to be unique in one fake's life.
 */
export function newMessageId(source: Source = 'web'): string {
  if (source === 'ios') return `3A${hex(9)}`;
  if (source === 'android') return `A5${hex(15)}`;
  return `3EB0${hex(9)}`;
}

/** Baileys' getDevice(): which device a message id came from. */
export function deviceOf(id: string): Source {
  if (/^3A.{18}$/.test(id)) return 'ios';
  if (/^3E.{20}$/.test(id)) return 'web';
  if (/^(.{21}|.{32})$/.test(id)) return 'android';
  return 'unknown';
}

export const newUuid = (): string => randomUUID();

/** An instance token ("hash"): Evolution makes an uppercase UUID. */
export const newToken = (): string => randomUUID().toUpperCase();

/** A Prisma cuid-looking id: Evolution's Message row id, which messages.update carries as messageId. */
export function newDbId(): string {
  return `cm${Date.now().toString(36)}${randomBytes(9).toString('hex')}`.slice(0, 25);
}

/** Evolution stamps webhooks in America/Sao_Paulo time (UTC-3, no DST since 2019). */
export function saoPauloIso(ms: number): string {
  return `${new Date(ms - 3 * 3600_000).toISOString().slice(0, -1)}-03:00`;
}

export const unixSeconds = (ms: number = Date.now()): number => Math.floor(ms / 1000);

/** Digits from a hash: stable fake numbers (a customer's LID, a group's id) for the same input. */
export function digitsFrom(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    for (const b of createHash('sha256').update(`${seed}:${i}`).digest()) out += String(b % 10);
  }
  return out.slice(0, length);
}

export const b64Random = (bytes: number): string => randomBytes(bytes).toString('base64');
