// Realtime tickets: browsers cannot put a Bearer token on a WebSocket upgrade, so they trade it over REST for a
// ticket — a signed, 30-second, single-use token (the org's inbox object remembers used ticket ids).
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export const TICKET_TTL_SECONDS = 30;
const AUDIENCE = 'conversa-realtime';

const claims = z.object({ sub: z.uuid(), org: z.uuid(), sid: z.uuid(), jti: z.uuid(), exp: z.number() });
export type TicketClaims = z.infer<typeof claims>;

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueTicket(secret: string, c: { userId: string; orgId: string; sessionId: string }) {
  const jti = crypto.randomUUID();
  const ticket = await new SignJWT({ org: c.orgId, sid: c.sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(c.userId)
    .setJti(jti)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
    .sign(key(secret));
  return { ticket, expiresAt: new Date(Date.now() + TICKET_TTL_SECONDS * 1000).toISOString() };
}

export async function readTicket(secret: string, ticket: string): Promise<TicketClaims | null> {
  try {
    const { payload } = await jwtVerify(ticket, key(secret), { algorithms: ['HS256'], audience: AUDIENCE });
    const parsed = claims.safeParse(payload);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
