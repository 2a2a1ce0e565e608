// Re-seals every stored secret (channel access tokens) with the current ENCRYPTION_KEY, bound to its channel:
// after a key rotation (the old key moved to ENCRYPTION_KEYS_PREVIOUS) and for secrets in the older v1 format.
// Runs as the system (every organisation); a row changed meanwhile is left for the next run.
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { channels } from '../db/schema';
import { asSystem } from '../db/tx';
import { channelSecret, needsReseal, open, seal, type SecretKeys } from '../lib/secret-box';

export interface RotationResult {
  checked: number;
  resealed: number;
  /** Channel ids whose secret no configured key opens. */
  failed: string[];
}

export async function resealChannelSecrets(db: Db, keys: SecretKeys): Promise<RotationResult> {
  const rows = await asSystem(db, (tx) =>
    tx.select({ id: channels.id, sealed: channels.accessTokenEnc }).from(channels).where(isNotNull(channels.accessTokenEnc)),
  );
  const result: RotationResult = { checked: rows.length, resealed: 0, failed: [] };
  for (const row of rows) {
    if (!row.sealed || !(await needsReseal(keys, row.sealed))) continue;
    let resealed: string;
    try {
      resealed = await seal(keys, await open(keys, row.sealed, channelSecret(row.id)), channelSecret(row.id));
    } catch {
      result.failed.push(row.id);
      continue;
    }
    const updated = await asSystem(db, (tx) =>
      tx
        .update(channels)
        .set({ accessTokenEnc: resealed })
        .where(and(eq(channels.id, row.id), eq(channels.accessTokenEnc, row.sealed!)))
        .returning({ id: channels.id }),
    );
    result.resealed += updated.length;
  }
  return result;
}
