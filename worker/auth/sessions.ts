// Refresh-token sessions. A family is one login; each refresh rotates to a new row in the family. Presenting a
// token that was already rotated means it was copied: the whole family is revoked (RFC 6819 §5.2.2.3).
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, type Session } from '../db/schema';
import type { Tx } from '../db/tx';
import { hashToken, randomToken, REFRESH_TOKEN_TTL_SECONDS } from './tokens';

export interface NewSessionInput {
  userId: string;
  organizationId: string;
  familyId?: string;
  ip: string | null;
  userAgent: string | null;
}

export async function createSession(tx: Tx | Db, input: NewSessionInput): Promise<{ token: string; session: Session }> {
  const token = randomToken();
  const [session] = await tx
    .insert(sessions)
    .values({
      userId: input.userId,
      organizationId: input.organizationId,
      familyId: input.familyId ?? crypto.randomUUID(),
      tokenHash: await hashToken(token),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      ip: input.ip,
      userAgent: input.userAgent,
    })
    .returning();
  return { token, session: session! };
}

export type RotateResult =
  | { ok: true; token: string; session: Session }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'reuse'; session?: Session };

/** How long a just-rotated refresh token may still be presented once more without counting as reuse. */
export const REFRESH_REUSE_GRACE_MS = 30_000;

export async function rotateSession(
  db: Db,
  token: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<RotateResult> {
  const tokenHash = await hashToken(token);
  return db.transaction(async (tx) => {
    // Claim the row atomically: of two concurrent refreshes with one token, only one wins.
    const [claimed] = await tx
      .update(sessions)
      .set({ rotatedAt: new Date() })
      .where(
        and(
          eq(sessions.tokenHash, tokenHash),
          isNull(sessions.rotatedAt),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date()),
        ),
      )
      .returning();
    if (claimed) {
      const next = await createSession(tx, {
        userId: claimed.userId,
        organizationId: claimed.organizationId!,
        familyId: claimed.familyId,
        ...meta,
      });
      return { ok: true, ...next };
    }
    const [known] = await tx.select().from(sessions).where(eq(sessions.tokenHash, tokenHash));
    if (!known) return { ok: false, reason: 'invalid' };
    if (known.revokedAt) return { ok: false, reason: 'revoked', session: known };
    if (!known.rotatedAt) return { ok: false, reason: 'expired', session: known };
    // Rotated moments ago: the answer that carried its successor was most likely lost (a tab reloaded or closed
    // mid-refresh, a dropped connection), so the browser still holds this one. Within the grace window it gets a
    // new successor in the same family instead of ending every session of the login.
    if (Date.now() - known.rotatedAt.getTime() < REFRESH_REUSE_GRACE_MS && known.expiresAt > new Date()) {
      const next = await createSession(tx, { userId: known.userId, organizationId: known.organizationId!, familyId: known.familyId, ...meta });
      return { ok: true, ...next };
    }
    // Rotated a while ago and still presented: the token was used before by someone else.
    await revokeFamily(tx, known.familyId, 'reuse_detected');
    return { ok: false, reason: 'reuse', session: known };
  });
}

export async function revokeFamily(tx: Tx | Db, familyId: string, reason: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(
  tx: Tx | Db,
  userId: string,
  reason: string,
  organizationId?: string,
): Promise<void> {
  const scope = organizationId
    ? and(eq(sessions.userId, userId), eq(sessions.organizationId, organizationId), isNull(sessions.revokedAt))
    : and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  await tx.update(sessions).set({ revokedAt: new Date(), revokedReason: reason }).where(scope);
}

export async function findSessionByToken(db: Db, token: string): Promise<Session | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, await hashToken(token)));
  return row;
}
