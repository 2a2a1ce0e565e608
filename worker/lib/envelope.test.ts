// Envelope encryption (issue 21 §4): round trip, key id routing, wrong key / tamper / wrong context fail,
// master key rotation re-wraps without changing the data key, destroyed keys read as the placeholder.
import { describe, expect, it } from 'vitest';
import {
  decryptBytes,
  decryptField,
  encryptBytes,
  encryptField,
  isEncrypted,
  keyIdOf,
  masterKeys,
  newDataKey,
  rewrapDataKey,
  unwrapDataKey,
  type DataKey,
} from './envelope';

const rawKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const SHREDDED = '[conteúdo destruído]';

async function dataKey(secret: string, id: string): Promise<DataKey & { wrapped: string; masterKeyId: string }> {
  const made = await newDataKey(await masterKeys(secret));
  return { id, ...made };
}

describe('envelope encryption', () => {
  it('round-trips a field and hides the plaintext', async () => {
    const secret = `m1:${rawKey()}`;
    const dk = await dataKey(secret, 'dk-a');
    const stored = await encryptField(dk, 'Olá, meu pedido 123 não chegou', 'message:1');
    expect(stored.startsWith('enc:v1:dk-a:')).toBe(true);
    expect(stored).not.toContain('pedido');
    expect(isEncrypted(stored)).toBe(true);
    expect(keyIdOf(stored)).toBe('dk-a');
    const key = await unwrapDataKey(await masterKeys(secret), dk.wrapped, dk.masterKeyId);
    expect(await decryptField(stored, 'message:1', async () => key, SHREDDED)).toBe('Olá, meu pedido 123 não chegou');
  });

  it('reads legacy plaintext as is', async () => {
    expect(await decryptField('texto antigo', 'message:1', async () => null, SHREDDED)).toBe('texto antigo');
    expect(keyIdOf('texto antigo')).toBeNull();
  });

  it('routes each value to the data key named by its id', async () => {
    const secret = `m1:${rawKey()}`;
    const a = await dataKey(secret, 'dk-a');
    const b = await dataKey(secret, 'dk-b');
    const keys = new Map([
      ['dk-a', a.key],
      ['dk-b', b.key],
    ]);
    const asked: string[] = [];
    const keyFor = async (id: string) => (asked.push(id), keys.get(id) ?? null);
    const old = await encryptField(a, 'antes da rotação', 'note:1');
    const fresh = await encryptField(b, 'depois da rotação', 'note:2');
    expect(await decryptField(old, 'note:1', keyFor, SHREDDED)).toBe('antes da rotação');
    expect(await decryptField(fresh, 'note:2', keyFor, SHREDDED)).toBe('depois da rotação');
    expect(asked).toEqual(['dk-a', 'dk-b']);
  });

  it('fails with the wrong key, a tampered ciphertext or another row context', async () => {
    const secret = `m1:${rawKey()}`;
    const a = await dataKey(secret, 'dk-a');
    const other = await dataKey(secret, 'dk-a');
    const stored = await encryptField(a, 'segredo', 'message:1');
    await expect(decryptField(stored, 'message:1', async () => other.key, SHREDDED)).rejects.toThrow();
    await expect(decryptField(stored, 'message:2', async () => a.key, SHREDDED)).rejects.toThrow();
    const body = stored.slice('enc:v1:dk-a:'.length);
    const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    const tampered = `enc:v1:dk-a:${btoa(String.fromCharCode(...bytes))}`;
    await expect(decryptField(tampered, 'message:1', async () => a.key, SHREDDED)).rejects.toThrow();
  });

  it('returns the placeholder when the data key was destroyed', async () => {
    const a = await dataKey(`m1:${rawKey()}`, 'dk-a');
    const stored = await encryptField(a, 'segredo', 'message:1');
    expect(await decryptField(stored, 'message:1', async () => null, SHREDDED)).toBe(SHREDDED);
  });

  it('re-wraps a data key under a new master key; old data still reads', async () => {
    const oldMaster = `m0:${rawKey()}`;
    const a = await dataKey(oldMaster, 'dk-a');
    const stored = await encryptField(a, 'mensagem antiga', 'message:1');
    const rotated = `m1:${rawKey()},${oldMaster}`;
    const rewrapped = await rewrapDataKey(await masterKeys(rotated), a.wrapped, a.masterKeyId);
    expect(rewrapped.masterKeyId).toBe('m1');
    expect(rewrapped.wrapped).not.toBe(a.wrapped);
    // Once every key is re-wrapped the old master key can be dropped.
    const onlyNew = await masterKeys(rotated.split(',')[0]!);
    const key = await unwrapDataKey(onlyNew, rewrapped.wrapped, rewrapped.masterKeyId);
    expect(await decryptField(stored, 'message:1', async () => key, SHREDDED)).toBe('mensagem antiga');
    await expect(unwrapDataKey(onlyNew, a.wrapped, 'm0')).rejects.toThrow(/not configured/);
  });

  it('encrypts binary objects (media) with the same key', async () => {
    const a = await dataKey(`m1:${rawKey()}`, 'dk-a');
    const media = crypto.getRandomValues(new Uint8Array(60_000));
    const sealed = await encryptBytes(a, media, 'media:org/obj');
    expect(sealed.length).toBe(media.length + 28);
    expect(await decryptBytes(a.key, sealed, 'media:org/obj')).toEqual(media);
    await expect(decryptBytes(a.key, sealed, 'media:org/other')).rejects.toThrow();
  });

  it('rejects malformed master keys', async () => {
    await expect(masterKeys('m1:short')).rejects.toThrow(/32 bytes/);
    expect(() => masterKeys(' ')).toThrow(/empty/);
  });
});
