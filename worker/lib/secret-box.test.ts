// Channel tokens at rest: key ids for rotation, bound to their channel (issue 14, point 7).
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrg, testDb } from '../../test/harness';
import { resealChannelSecrets } from '../domain/secret-rotation';
import { channels } from '../db/schema';
import { channelSecret, open, seal } from './secret-box';

const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

/** The v1 format sealed before key ids and contexts existed, as the old code wrote it. */
async function sealV1(keyB64: string, plaintext: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', Uint8Array.from(atob(keyB64), (c) => c.charCodeAt(0)), 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plaintext)));
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `v1.${b64(iv)}.${b64(ct)}`;
}

describe('secret box', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('opens what it sealed for the same channel only', async () => {
    const keys = { ENCRYPTION_KEY: newKey() };
    const a = channelSecret(crypto.randomUUID());
    const sealed = await seal(keys, 'EAAG-token', a);
    expect(sealed).toMatch(/^v2\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('EAAG');
    expect(await open(keys, sealed, a)).toBe('EAAG-token');
    await expect(open(keys, sealed, channelSecret(crypto.randomUUID()))).rejects.toThrow();
  });

  it('opens with a previous key after rotation, names a missing key, and reads the v1 format', async () => {
    const old = newKey();
    const ctx = channelSecret(crypto.randomUUID());
    const sealed = await seal({ ENCRYPTION_KEY: old }, 'tok', ctx);
    const rotated = { ENCRYPTION_KEY: newKey(), ENCRYPTION_KEYS_PREVIOUS: `${newKey()}, ${old}` };
    expect(await open(rotated, sealed, ctx)).toBe('tok');
    await expect(open({ ENCRYPTION_KEY: newKey() }, sealed, ctx)).rejects.toThrow(/not configured/);
    expect(await open(rotated, await sealV1(old, 'legado'), ctx)).toBe('legado');
  });

  it('the rotation re-seals every channel token with the current key, once', async () => {
    const old = { ENCRYPTION_KEY: newKey() };
    const org = await createOrg(db, 'Rotacao');
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const phone = () => `1${crypto.getRandomValues(new Uint32Array(1))[0]}`;
    await db.insert(channels).values([
      { id: ids[0]!, organizationId: org.id, provider: 'meta_cloud', name: 'a', phoneNumberId: phone(), accessTokenEnc: await seal(old, 'token-a', channelSecret(ids[0]!)) },
      { id: ids[1]!, organizationId: org.id, provider: 'meta_cloud', name: 'b', phoneNumberId: phone(), accessTokenEnc: await sealV1(old.ENCRYPTION_KEY, 'token-b') },
      // Sealed for another channel and copied here: no key opens it in this row.
      { id: ids[2]!, organizationId: org.id, provider: 'meta_cloud', name: 'c', phoneNumberId: phone(), accessTokenEnc: await seal(old, 'token-c', channelSecret(ids[0]!)) },
    ]);
    const current = { ENCRYPTION_KEY: newKey(), ENCRYPTION_KEYS_PREVIOUS: old.ENCRYPTION_KEY };
    const first = await resealChannelSecrets(db, current);
    expect(first.failed).toContain(ids[2]);
    expect(first.failed).not.toContain(ids[0]);
    const rows = new Map((await db.select().from(channels).where(eq(channels.organizationId, org.id))).map((r) => [r.id, r.accessTokenEnc!]));
    // Only the current key is needed now.
    expect(await open({ ENCRYPTION_KEY: current.ENCRYPTION_KEY }, rows.get(ids[0]!)!, channelSecret(ids[0]!))).toBe('token-a');
    expect(await open({ ENCRYPTION_KEY: current.ENCRYPTION_KEY }, rows.get(ids[1]!)!, channelSecret(ids[1]!))).toBe('token-b');
    const again = await resealChannelSecrets(db, current);
    expect(again.resealed).toBe(0);
  });
});
