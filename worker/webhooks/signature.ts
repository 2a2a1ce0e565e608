// X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(raw body, app secret)). crypto.subtle.verify compares in
// constant time. The key is imported once per isolate, not on every request.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    keys.set(secret, k);
  }
  return k;
}

function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length !== 64 || !/^[0-9a-f]+$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function verifyMetaSignature(secret: string, header: string | undefined, body: ArrayBuffer): Promise<boolean> {
  const match = /^sha256=(.+)$/.exec(header?.trim() ?? '');
  const sig = match ? hexToBytes(match[1]!) : null;
  if (!sig) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), sig, body);
}
