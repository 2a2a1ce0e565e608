// /api/v1/admin/organizations/{id}/encryption: an organisation's content encryption as platform admins operate it
// (issue 21 §4): its data keys, what is still plaintext, rotation and crypto-shredding.
import { z } from 'zod';
import { instant } from '../openapi/responses';

/** Rows whose content is still stored as plaintext (written before encryption, or while it was not configured). */
const PlaintextCounts = z.object({ messageBodies: z.number().int(), notes: z.number().int(), previews: z.number().int() });

export const DataKeyInfo = z
  .object({
    keyId: z.string(),
    /** The master key that wraps it; null once destroyed. */
    masterKeyId: z.string().nullable(),
    createdAt: instant,
    retiredAt: instant.nullable(),
    destroyedAt: instant.nullable(),
  })
  .meta({ id: 'DataKeyInfo' });

export const OrganizationEncryption = z
  .object({
    organizationId: z.uuid(),
    /** Whether ENCRYPTION_MASTER_KEYS is configured: without it new content is stored as given. */
    configured: z.boolean(),
    currentMasterKeyId: z.string().nullable(),
    /** The key new writes use; null before the first write or after shredding. */
    activeKeyId: z.string().nullable(),
    keys: z.array(DataKeyInfo),
    plaintext: PlaintextCounts,
  })
  .meta({ id: 'OrganizationEncryption' });

export const KeyRotation = z
  .object({ organizationId: z.uuid(), retiredKeyIds: z.array(z.string()), activeKeyId: z.string() })
  .meta({ id: 'KeyRotation' });

export const ShredRequest = z
  .object({
    /** The organisation's slug or id, typed again: shredding cannot be undone. */
    confirm: z.string().min(1).max(200),
  })
  .meta({ id: 'ShredRequest' });

export const ShredResult = z
  .object({
    organizationId: z.uuid(),
    keysDestroyed: z.number().int(),
    /** Messages whose search document (the plaintext-derived lexemes) was cleared. */
    searchDocumentsCleared: z.number().int(),
    previewsCleared: z.number().int(),
    /** Legacy plaintext no key protected, so shredding did not make it unreadable (run keys:encrypt-existing first). */
    plaintextRemaining: PlaintextCounts,
  })
  .meta({ id: 'ShredResult' });

export type OrganizationEncryption = z.infer<typeof OrganizationEncryption>;
export type ShredResult = z.infer<typeof ShredResult>;
