// Secrets at rest (channel access tokens): AES-256-GCM from WebCrypto.
//
// Stored as `v2.<key id>.<iv>.<ciphertext>` (base64url). The key id (first 8 hex digits of the key's SHA-256) says
// which key sealed it, so keys can rotate: ENCRYPTION_KEY seals, ENCRYPTION_KEYS_PREVIOUS (comma-separated) still
// open, and `npm run secrets:rotate` re-seals every stored secret with the current key. The context (e.g.
// `channel:<id>`) is GCM associated data: a sealed token copied to another channel's row does not open there.
// `v1.<iv>.<ciphertext>` (no key id, no context) is still read, and re-sealed by the rotation.
export interface SecretKeys {
  ENCRYPTION_KEY: string;
  ENCRYPTION_KEYS_PREVIOUS?: string;
}

interface Key {
  id: string;
  key: CryptoKey;
}

const cache = new Map<string, Promise<Key>>();

function importKey(keyB64: string): Promise<Key> {
  let k = cache.get(keyB64);
  if (!k) {
    const raw = Uint8Array.from(atob(keyB64.trim()), (ch) => ch.charCodeAt(0));
    if (raw.length !== 32) throw new Error('encryption keys must be base64 of 32 bytes');
    k = (async () => {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
      const id = [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
      return { id, key: await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']) };
    })();
    cache.set(keyB64, k);
  }
  return k;
}

const previous = (keys: SecretKeys) => (keys.ENCRYPTION_KEYS_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
const encoder = new TextEncoder();

/** The context a channel's access token is bound to. */
export const channelSecret = (channelId: string) => `channel:${channelId}`;

export async function seal(keys: SecretKeys, plaintext: string, context: string): Promise<string> {
  const { id, key } = await importKey(keys.ENCRYPTION_KEY);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext));
  return `v2.${id}.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}

export async function open(keys: SecretKeys, sealed: string, context: string): Promise<string> {
  const parts = sealed.split('.');
  if (parts[0] === 'v1' && parts.length === 3) {
    // Legacy: no key id and no context; whichever key opens it.
    for (const k of [keys.ENCRYPTION_KEY, ...previous(keys)]) {
      const { key } = await importKey(k);
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(parts[1]!) }, key, fromB64url(parts[2]!)).catch(() => null);
      if (pt) return new TextDecoder().decode(pt);
    }
    throw new Error('sealed secret does not open with any configured key');
  }
  if (parts[0] !== 'v2' || parts.length !== 4) throw new Error('unknown sealed secret format');
  const [, kid, iv, ct] = parts as [string, string, string, string];
  for (const k of [keys.ENCRYPTION_KEY, ...previous(keys)]) {
    const { id, key } = await importKey(k);
    if (id !== kid) continue;
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(iv), additionalData: encoder.encode(context) }, key, fromB64url(ct));
    return new TextDecoder().decode(pt);
  }
  throw new Error(`sealed with key ${kid}, which is not configured (ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS)`);
}

/** True when the secret is not sealed by the current key in the current format (the rotation re-seals it). */
export async function needsReseal(keys: SecretKeys, sealed: string): Promise<boolean> {
  const { id } = await importKey(keys.ENCRYPTION_KEY);
  return !sealed.startsWith(`v2.${id}.`);
}
