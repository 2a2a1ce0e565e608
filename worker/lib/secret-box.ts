// Secrets at rest (channel access tokens): AES-256-GCM from WebCrypto with the ENCRYPTION_KEY secret.
// Stored as `v1.<iv>.<ciphertext>` (base64url), so the scheme or key can be rotated later.
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(keyB64: string): Promise<CryptoKey> {
  let k = keys.get(keyB64);
  if (!k) {
    const raw = Uint8Array.from(atob(keyB64), (ch) => ch.charCodeAt(0));
    if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be base64 of 32 bytes');
    k = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(keyB64, k);
  }
  return k;
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));

export async function seal(keyB64: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await importKey(keyB64), new TextEncoder().encode(plaintext));
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}

export async function open(keyB64: string, sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new Error('unknown sealed secret format');
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(iv) }, await importKey(keyB64), fromB64url(ct));
  return new TextDecoder().decode(pt);
}
