// Access tokens: short-lived HS256 JWTs (jose). Refresh tokens: opaque random strings, stored only as SHA-256.
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { roleEnum } from '../db/schema';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'conversa';
const AUDIENCE = 'conversa-api';

const accessClaims = z.object({
  sub: z.uuid(),
  org: z.uuid(),
  role: z.enum(roleEnum.enumValues),
  sid: z.uuid(),
});
export type AccessClaims = z.infer<typeof accessClaims>;

const keys = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let k = keys.get(secret);
  if (!k) {
    if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
    k = new TextEncoder().encode(secret);
    keys.set(secret, k);
  }
  return k;
}

export async function signAccessToken(secret: string, claims: AccessClaims): Promise<string> {
  return new SignJWT({ org: claims.org, role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(key(secret));
}

/** Resolves to the claims, or null for anything not issued by us and still valid (expired, forged, alg none…). */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const parsed = accessClaims.safeParse(payload);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** 256 random bits, base64url: used for refresh, password-reset and invitation tokens. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Tokens are stored hashed: a database leak does not hand out live sessions or reset links. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
