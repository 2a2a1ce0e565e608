// Where an endpoint may point: https on a public host. Refused: other schemes, credentials in the URL, and hosts that
// are private, loopback, link-local or otherwise internal as literals (IPv4, IPv6, IPv4-mapped IPv6) or by name
// (localhost, *.localhost, *.local, *.internal). Plain http to localhost/127.0.0.1 only when APP_ENV is development or
// test (local receivers). A public name that resolves to a private address (DNS rebinding) is not caught here:
// Workers' fetch cannot reach private networks in production, which is the backstop.
import { ApiError } from '../errors';

const refuse = (message: string) => new ApiError(422, 'invalid_webhook_url', message);

function ipv4Private(host: string): boolean | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19)) || a >= 224
  );
}

function ipv6Private(host: string): boolean | null {
  if (!host.startsWith('[')) return null;
  const h = host.slice(1, -1).toLowerCase();
  if (h === '::' || h === '::1') return true;
  // IPv4-mapped (::ffff:a.b.c.d, which URL normalises to ::ffff:xxxx:xxxx): judged as the IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const n = (parseInt(mapped[1]!, 16) << 16) | parseInt(mapped[2]!, 16);
    return ipv4Private([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  if (h.startsWith('::ffff:')) return true;
  return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(h) || h.startsWith('64:ff9b:') || h.startsWith('2001:db8:');
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export function checkWebhookUrl(raw: string, appEnv: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('Not a valid URL');
  }
  if (url.username || url.password) throw refuse('The URL may not carry credentials');
  const host = url.hostname.toLowerCase();
  const local = appEnv === 'development' || appEnv === 'test';
  if (url.protocol === 'http:' && local && (host === 'localhost' || host === '127.0.0.1')) return url.toString();
  if (url.protocol !== 'https:') throw refuse('The URL must use https');
  if (INTERNAL_NAMES.test(host) || !host.includes('.') && !host.startsWith('[')) throw refuse('The URL must point at a public host');
  if (ipv4Private(host) || ipv6Private(host)) throw refuse('The URL points at a private, loopback or link-local address');
  // Numeric forms URL did not normalise to dotted quads (e.g. 0x7f.1) are not allowed either.
  if (/^[0-9.x]+$/i.test(host) && ipv4Private(host) === null) throw refuse('Not a valid host');
  return url.toString();
}
