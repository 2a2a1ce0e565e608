// Envelope encryption for tenant data at rest (issue 21 §4): one AES-256-GCM data key per organisation, wrapped
// (AES-KW) by a master key from the ENCRYPTION_MASTER_KEYS secret ("id1:base64,id0:base64old", first = current).
// Field ciphertext is a versioned string `enc:v1:<dataKeyId>:<base64(iv|ciphertext+tag)>`, so legacy plaintext rows
// still read and the key id routes each value to its data key. The context (e.g. `message:<id>`) is GCM associated
// data: a ciphertext copied to another row does not open there.
// Channel access tokens keep their own sealing (lib/secret-box.ts, already keyed and rotatable).

export interface MasterKey {
  id: string;
  key: CryptoKey;
}

export interface DataKey {
  id: string;
  key: CryptoKey;
}

const PREFIX = 'enc:v1:';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const b64 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

const masterCache = new Map<string, Promise<MasterKey[]>>();

/** Parses ENCRYPTION_MASTER_KEYS; the first entry is the current master key, the rest stay readable for rotation. */
export function masterKeys(secret: string): Promise<MasterKey[]> {
  let found = masterCache.get(secret);
  if (!found) {
    const entries = secret.split(',').map((e) => e.trim()).filter(Boolean);
    if (entries.length === 0) throw new Error('ENCRYPTION_MASTER_KEYS is empty');
    found = Promise.all(
      entries.map(async (entry) => {
        const sep = entry.indexOf(':');
        const id = entry.slice(0, sep);
        let raw = new Uint8Array(0);
        try {
          raw = fromB64(entry.slice(sep + 1));
        } catch {
          // reported below
        }
        if (sep < 1 || raw.length !== 32) throw new Error('ENCRYPTION_MASTER_KEYS entries must be "id:base64 of 32 bytes"');
        return { id, key: await crypto.subtle.importKey('raw', raw, 'AES-KW', false, ['wrapKey', 'unwrapKey']) };
      }),
    );
    masterCache.set(secret, found);
  }
  return found;
}

/** A fresh data key, returned with its wrapped form (base64) under the current master key. */
export async function newDataKey(masters: MasterKey[]): Promise<{ key: CryptoKey; wrapped: string; masterKeyId: string }> {
  const master = masters[0]!;
  // A symmetric algorithm yields one key, never a pair.
  const key = (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])) as CryptoKey;
  const wrapped = new Uint8Array(await crypto.subtle.wrapKey('raw', key, master.key, 'AES-KW'));
  return { key: await reimport(key), wrapped: b64(wrapped), masterKeyId: master.id };
}

/** Unwraps a stored data key with the master key that wrapped it; throws when that master key is not configured. */
export async function unwrapDataKey(masters: MasterKey[], wrapped: string, masterKeyId: string): Promise<CryptoKey> {
  const master = masters.find((m) => m.id === masterKeyId);
  if (!master) throw new Error(`data key wrapped by master key ${masterKeyId}, which is not configured`);
  return crypto.subtle.unwrapKey('raw', fromB64(wrapped), master.key, 'AES-KW', 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** Re-wraps a stored data key under the current master key (master key rotation; the data key itself is unchanged). */
export async function rewrapDataKey(masters: MasterKey[], wrapped: string, masterKeyId: string): Promise<{ wrapped: string; masterKeyId: string }> {
  const master = masters.find((m) => m.id === masterKeyId);
  if (!master) throw new Error(`data key wrapped by master key ${masterKeyId}, which is not configured`);
  const key = await crypto.subtle.unwrapKey('raw', fromB64(wrapped), master.key, 'AES-KW', 'AES-GCM', true, ['encrypt', 'decrypt']);
  const current = masters[0]!;
  return { wrapped: b64(new Uint8Array(await crypto.subtle.wrapKey('raw', key, current.key, 'AES-KW'))), masterKeyId: current.id };
}

// The generated key must be extractable to be wrapped; the copy kept in memory is not.
async function reimport(key: CryptoKey): Promise<CryptoKey> {
  const raw = await crypto.subtle.exportKey('raw', key);
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export const isEncrypted = (value: string) => value.startsWith(PREFIX);

/** The data key id a stored value was encrypted with, or null for legacy plaintext. */
export function keyIdOf(value: string): string | null {
  if (!isEncrypted(value)) return null;
  const end = value.indexOf(':', PREFIX.length);
  return end < 0 ? null : value.slice(PREFIX.length, end);
}

// `as BufferSource`: with Node's types (the operator scripts import this) a Uint8Array may be backed by a
// SharedArrayBuffer, which WebCrypto's types refuse; ours never are.
export async function encryptBytes(dataKey: DataKey, plaintext: Uint8Array, context: string): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, dataKey.key, plaintext as BufferSource));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return out;
}

export async function decryptBytes(key: CryptoKey, sealed: Uint8Array, context: string): Promise<Uint8Array> {
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12) as BufferSource, additionalData: encoder.encode(context) }, key, sealed.subarray(12) as BufferSource);
  return new Uint8Array(pt);
}

export async function encryptField(dataKey: DataKey, plaintext: string, context: string): Promise<string> {
  return `${PREFIX}${dataKey.id}:${b64(await encryptBytes(dataKey, encoder.encode(plaintext), context))}`;
}

/**
 * Opens a stored field. Legacy plaintext is returned as is. `keyFor` resolves a data key id to its key, or null when
 * the key was destroyed (crypto-shredding): then `shredded` is returned instead of throwing.
 */
export async function decryptField(
  value: string,
  context: string,
  keyFor: (keyId: string) => Promise<CryptoKey | null>,
  shredded: string,
): Promise<string> {
  const keyId = keyIdOf(value);
  if (keyId === null) return value;
  const key = await keyFor(keyId);
  if (!key) return shredded;
  return decoder.decode(await decryptBytes(key, fromB64(value.slice(PREFIX.length + keyId.length + 1)), context));
}
