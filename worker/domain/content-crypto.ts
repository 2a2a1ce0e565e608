// Tenant content at rest (issue 21 §4): what every write and read path uses to seal and open message bodies,
// conversation previews, notes and media with the organisation's data key (worker/lib/envelope.ts,
// worker/domain/organization-keys.ts). Without ENCRYPTION_MASTER_KEYS configured, content is stored as given.
//
// Contexts (GCM associated data) tie a ciphertext to where it belongs, so one copied elsewhere does not open:
// `message:<id>`, `preview:<orgId>` (a conversation's preview comes from whichever message is latest), `note:<id>`,
// `media:<R2 key>`.
import { sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/client';
import { decryptBytes, decryptField, encryptBytes, encryptField, isEncrypted } from '../lib/envelope';
import { activeDataKey, keyResolver, SHREDDED_PLACEHOLDER } from './organization-keys';

/** What a read shows for a value that is encrypted but does not open (tampered, or copied to another row). */
export const UNREADABLE_PLACEHOLDER = '[conteúdo ilegível]';

export interface ContentCrypto {
  /** False when no master key is configured: seal returns its input. */
  readonly enabled: boolean;
  seal(plaintext: string, context: string): Promise<string>;
  sealOrNull(plaintext: string | null | undefined, context: string): Promise<string | null>;
  /** Plaintext of a stored value; legacy plaintext as is; a placeholder when its key was destroyed. */
  open(stored: string, context: string): Promise<string>;
  openOrNull(stored: string | null | undefined, context: string): Promise<string | null>;
  sealBytes(plaintext: Uint8Array, context: string): Promise<Uint8Array>;
  /** null when the key was destroyed. */
  openBytes(sealed: Uint8Array, keyId: string, context: string): Promise<Uint8Array | null>;
  /** The id of the key new writes use (stored beside sealed bytes, e.g. in R2 custom metadata). */
  activeKeyId(): Promise<string | null>;
}

export const messageContext = (id: string) => `message:${id}`;
export const previewContext = (orgId: string) => `preview:${orgId}`;
export const noteContext = (id: string) => `note:${id}`;
export const mediaContext = (key: string) => `media:${key}`;

/**
 * The organisation's content crypto. Keys are looked up in their own short transactions (and cached per isolate), so
 * call this before opening a tenant transaction on a path that writes: a key created inside a transaction that then
 * rolled back would have encrypted data with a key that does not exist.
 */
export function contentCrypto(db: Db, secret: string | undefined, orgId: string): ContentCrypto {
  const resolve = secret ? keyResolver(db, secret, orgId) : null;
  const active = () => activeDataKey(db, secret!, orgId);
  const log = (err: unknown, context: string) =>
    console.error(JSON.stringify({ level: 'error', msg: 'content did not decrypt', context, error: err instanceof Error ? err.message : String(err) }));
  const open = async (stored: string, context: string) => {
    if (!isEncrypted(stored)) return stored;
    if (!resolve) throw new Error('content is encrypted but ENCRYPTION_MASTER_KEYS is not configured');
    try {
      return await decryptField(stored, context, resolve, SHREDDED_PLACEHOLDER);
    } catch (err) {
      log(err, context);
      return UNREADABLE_PLACEHOLDER;
    }
  };
  return {
    enabled: !!secret,
    seal: async (plaintext, context) => (secret ? encryptField(await active(), plaintext, context) : plaintext),
    sealOrNull: async (plaintext, context) => (plaintext == null ? null : secret ? encryptField(await active(), plaintext, context) : plaintext),
    open,
    openOrNull: async (stored, context) => (stored == null ? null : open(stored, context)),
    sealBytes: async (plaintext, context) => (secret ? encryptBytes(await active(), plaintext, context) : plaintext),
    openBytes: async (sealed, keyId, context) => {
      if (!resolve) throw new Error('content is encrypted but ENCRYPTION_MASTER_KEYS is not configured');
      const key = await resolve(keyId);
      return key ? decryptBytes(key, sealed, context) : null;
    },
    activeKeyId: async () => (secret ? (await active()).id : null),
  };
}

/** Opens the bodies of message rows in place (what DTOs, webhooks and exports are built from). */
export async function openMessageBodies<M extends { id: string; body: string | null }>(crypto: ContentCrypto, rows: M[]): Promise<M[]> {
  await Promise.all(rows.map(async (m) => {
    if (m.body && isEncrypted(m.body)) m.body = await crypto.open(m.body, messageContext(m.id));
  }));
  return rows;
}

/** Opens conversation previews in place. */
export async function openPreviews<C extends { lastMessagePreview: string | null }>(crypto: ContentCrypto, orgId: string, rows: C[]): Promise<C[]> {
  await Promise.all(rows.map(async (c) => {
    if (c.lastMessagePreview && isEncrypted(c.lastMessagePreview)) c.lastMessagePreview = await crypto.open(c.lastMessagePreview, previewContext(orgId));
  }));
  return rows;
}

/** The search document of a body, computed by Postgres from the plaintext passed with the write (never stored as text). */
export const searchDocument = (plaintext: string | null | undefined): SQL => sql`public.conversa_fts(${plaintext ?? null}::text)`;

/**
 * A new message row's sealed body and its search document, for drizzle inserts: `{ id, body, searchVector }`. The id
 * is generated here because the ciphertext is bound to it.
 */
export async function sealedMessageBody(crypto: ContentCrypto, body: string | null | undefined, id: string = uuidv7()) {
  return { id, body: await crypto.sealOrNull(body, messageContext(id)), searchVector: searchDocument(body) };
}
