import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BackupFormatError, decryptBackup, encryptBackup, parseBackupKey, readBackupKeyId } from './backup-crypto';

const key = parseBackupKey(randomBytes(32).toString('base64'));
const CHUNK = 64;
const HEADER = 44;
const FRAME = 5 + 16; // flag + length, and the tag

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const encrypt = (plain: Buffer, chunk = CHUNK) => collect(encryptBackup(key, chunk)(pieces(plain, 17)));
const decrypt = (file: Buffer, keys = [key]) => collect(decryptBackup(keys)(pieces(file, 23)));

describe('backup file encryption', () => {
  it('round-trips any length, in chunks of the given size, with no plaintext in the file', async () => {
    for (const len of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 1000]) {
      const plain = Buffer.from('Olá, meu CPF é 123.456.789-00 '.repeat(40)).subarray(0, len);
      const file = await encrypt(plain);
      const chunks = Math.floor(len / CHUNK) + 1 - (len > 0 && len % CHUNK === 0 ? 1 : 0);
      expect(file.length, `length ${len}`).toBe(HEADER + len + chunks * FRAME);
      if (len > 20) expect(file.includes(plain.subarray(0, 20))).toBe(false);
      expect(await decrypt(file)).toEqual(plain);
    }
  });

  it('two backups of the same data differ (fresh salt and nonces per file)', async () => {
    const plain = Buffer.alloc(200, 7);
    const [a, b] = [await encrypt(plain), await encrypt(plain)];
    expect(a.subarray(HEADER).equals(b.subarray(HEADER))).toBe(false);
    expect(readBackupKeyId(a)).toBe(key.id);
  });

  it('refuses a file cut anywhere, including exactly between chunks', async () => {
    const file = await encrypt(randomBytes(5 * CHUNK + 10));
    const cuts = [0, 10, HEADER, HEADER + 3];
    for (let i = 1; i <= 5; i++) cuts.push(HEADER + i * (CHUNK + FRAME)); // boundaries after each full chunk
    cuts.push(file.length - 1);
    for (const cut of cuts) {
      await expect(decrypt(file.subarray(0, cut)), `cut at ${cut}`).rejects.toThrow(BackupFormatError);
    }
  });

  it('refuses any altered byte, a chunk dropped or swapped, trailing data, another key', async () => {
    const file = await encrypt(randomBytes(3 * CHUNK + 5));
    for (const at of [9, 20, 35, 41, HEADER, HEADER + 2, HEADER + 30, file.length - 1]) {
      const bad = Buffer.from(file);
      bad[at]! ^= 0x01;
      await expect(decrypt(bad), `byte ${at}`).rejects.toThrow(BackupFormatError);
    }
    const c = (i: number) => file.subarray(HEADER + i * (CHUNK + FRAME), HEADER + (i + 1) * (CHUNK + FRAME));
    const head = file.subarray(0, HEADER);
    const last = file.subarray(HEADER + 3 * (CHUNK + FRAME));
    await expect(decrypt(Buffer.concat([head, c(0), c(2), last]))).rejects.toThrow(BackupFormatError);
    await expect(decrypt(Buffer.concat([head, c(1), c(0), c(2), last]))).rejects.toThrow(/chunk 0/);
    await expect(decrypt(Buffer.concat([file, Buffer.from([0])]))).rejects.toThrow(/after its final chunk/);

    const other = parseBackupKey(randomBytes(32).toString('base64'));
    await expect(decrypt(file, [other])).rejects.toThrow(/encrypted with key id/);
    // A previous key still opens the files it made.
    expect((await decrypt(file, [other, key])).length).toBe(3 * CHUNK + 5);
  });

  it('wants a 32-byte key', () => {
    expect(() => parseBackupKey(randomBytes(16).toString('base64'))).toThrow(/32 random bytes/);
  });
});
