// The shape of an API key: `cv_live_` + 43 base64url characters (32 random bytes). Only its SHA-256 is stored; a
// fast hash is right here because the key is high-entropy (no password to guess), and it keeps lookups cheap.
export const API_KEY_PREFIX = 'cv_live_';
const KEY_PATTERN = /^cv_live_[A-Za-z0-9_-]{43}$/;
/** How much of a key is kept in clear to tell keys apart in lists: the marker and 6 random characters. */
const VISIBLE = API_KEY_PREFIX.length + 6;

export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);
export const isWellFormedApiKey = (token: string) => KEY_PATTERN.test(token);

export function generateApiKey(): { key: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = API_KEY_PREFIX + btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return { key, prefix: key.slice(0, VISIBLE) };
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
