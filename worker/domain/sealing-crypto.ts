// For paths that seal content inside a tenant transaction (replies, notes, automatic messages): the organisation's
// data key is looked up, or created and committed in its own short transaction, before that transaction opens, so a
// rollback can never leave content sealed under a key that does not exist (worker/domain/content-crypto.ts).
import type { Db } from '../db/client';
import { contentCrypto, messageContext, type ContentCrypto } from './content-crypto';
import type { BodyOpener } from './notifications';

export async function sealingCrypto(db: Db, secret: string | undefined, orgId: string): Promise<ContentCrypto> {
  const crypto = contentCrypto(db, secret, orgId);
  await crypto.activeKeyId();
  return crypto;
}

/** Content as stored without encryption (no master key configured): seal is the identity, open passes plaintext. */
export const plaintextCrypto = (orgId: string): ContentCrypto => contentCrypto(undefined as unknown as Db, undefined, orgId);

/** What notifications.ts needs to show a note's excerpt: its message body, opened. */
export const bodyOpener = (crypto: ContentCrypto): BodyOpener => (messageId, stored) => crypto.open(stored, messageContext(messageId));
