// Organisation data keys against Postgres (issue 21 §4): stored wrapped, rotation keeps old data readable,
// master key re-wrap, destruction reads as the placeholder.
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrg, testDb } from '../../test/harness';
import { organizationKeys } from '../db/schema';
import { asSystem } from '../db/tx';
import { decryptField, encryptField } from '../lib/envelope';
import { activeDataKey, destroyDataKeys, forgetOrganizationKeys, keyResolver, rewrapAllDataKeys, rotateDataKey, SHREDDED_PLACEHOLDER } from './organization-keys';

const rawKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

describe('organisation data keys', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('encrypts with the active key, rotates, re-wraps and shreds', async () => {
    const org = await createOrg(db);
    const oldMaster = `old:${rawKey()}`;
    const first = await activeDataKey(db, oldMaster, org.id);
    const stored = await encryptField(first, 'meu CPF é 123', 'message:1');
    const [row] = await asSystem(db, (tx) => tx.select().from(organizationKeys).where(eq(organizationKeys.organizationId, org.id)));
    expect(row!.masterKeyId).toBe('old');
    expect(row!.wrappedKey).not.toBe('');

    await rotateDataKey(db, org.id);
    const second = await activeDataKey(db, oldMaster, org.id);
    expect(second.id).not.toBe(first.id);

    const rotated = `new:${rawKey()},${oldMaster}`;
    const result = await rewrapAllDataKeys(db, rotated);
    expect(result.failed.filter((k) => k.startsWith(org.id))).toEqual([]);
    expect(result.rewrapped).toBeGreaterThanOrEqual(2);
    forgetOrganizationKeys(org.id);
    // Only the new master key configured now: the old data still reads.
    const onlyNew = rotated.split(',')[0]!;
    expect(await decryptField(stored, 'message:1', keyResolver(db, onlyNew, org.id), SHREDDED_PLACEHOLDER)).toBe('meu CPF é 123');

    expect(await destroyDataKeys(db, org.id)).toBe(2);
    expect(await decryptField(stored, 'message:1', keyResolver(db, onlyNew, org.id), SHREDDED_PLACEHOLDER)).toBe(SHREDDED_PLACEHOLDER);
  });
});
