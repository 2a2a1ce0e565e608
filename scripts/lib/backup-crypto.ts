// The encrypted backup file (`npm run db:backup`): AES-256-GCM from node:crypto, in authenticated chunks so a dump of
// any size streams through in bounded memory, and a cut, reordered or altered file is refused rather than restored.
//
// Layout (version 1), all integers big-endian:
//   header  magic "CONVBKUP" (8) | version (1) | key id (8) | salt (16) | nonce prefix (7) | chunk size (4)
//   chunks  final flag (1) | plaintext length (4) | ciphertext | GCM tag (16)   … the last one has final flag 1
// Each file gets its own key, HKDF-SHA256(BACKUP_KEY, salt); chunk i's nonce is prefix | i (4) | final flag (1) and
// its additional data the whole header (the STREAM construction): a chunk moved, dropped, or flagged final early
// fails its tag, and a file that ends before a final chunk is truncated.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('CONVBKUP', 'ascii');
const VERSION = 1;
const HEADER_LEN = 8 + 1 + 8 + 16 + 7 + 4;
const TAG_LEN = 16;
const FRAME_LEN = 1 + 4;
export const DEFAULT_CHUNK = 1 << 20;
// A header can claim any chunk size; reading refuses more than this so a forged one cannot make it allocate gigabytes.
const MAX_CHUNK = 16 << 20;

export class BackupFormatError extends Error {}

export interface BackupKey {
  id: string;
  key: Buffer;
}

/** A key from its base64 (32 bytes); its id (a hash, not the key) is written into each file it encrypts. */
export function parseBackupKey(base64: string, name = 'BACKUP_KEY'): BackupKey {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 random bytes in base64 (openssl rand -base64 32), got ${key.length} bytes`);
  return { id: createHash('sha256').update('conversa-backup-key-id').update(key).digest('hex').slice(0, 16), key };
}

/** BACKUP_KEY, then each of BACKUP_KEYS_PREVIOUS (comma-separated): restore picks the one the file names. */
export function backupKeysFromEnv(env: NodeJS.ProcessEnv = process.env): BackupKey[] {
  if (!env.BACKUP_KEY) throw new Error('BACKUP_KEY is not set (32 random bytes in base64: openssl rand -base64 32)');
  const previous = (env.BACKUP_KEYS_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  return [parseBackupKey(env.BACKUP_KEY), ...previous.map((k, i) => parseBackupKey(k, `BACKUP_KEYS_PREVIOUS[${i}]`))];
}

function fileKey(master: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, salt, 'conversa-backup/v1', 32));
}

function nonce(prefix: Buffer, index: number, final: boolean): Buffer {
  if (index > 0xffffffff) throw new BackupFormatError('backup too large for one file (2^32 chunks)');
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, 7);
  n[11] = final ? 1 : 0;
  return n;
}

/** Encrypts a byte stream into the backup format. */
export function encryptBackup(key: BackupKey, chunkSize = DEFAULT_CHUNK) {
  return async function* (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    const salt = randomBytes(16);
    const prefix = randomBytes(7);
    const header = Buffer.alloc(HEADER_LEN);
    MAGIC.copy(header, 0);
    header[8] = VERSION;
    Buffer.from(key.id, 'hex').copy(header, 9);
    salt.copy(header, 17);
    prefix.copy(header, 33);
    header.writeUInt32BE(chunkSize, 40);
    yield header;

    const k = fileKey(key.key, salt);
    let index = 0;
    const seal = (plain: Buffer, final: boolean): Buffer => {
      const cipher = createCipheriv('aes-256-gcm', k, nonce(prefix, index++, final));
      cipher.setAAD(header);
      const frame = Buffer.alloc(FRAME_LEN);
      frame[0] = final ? 1 : 0;
      frame.writeUInt32BE(plain.length, 1);
      return Buffer.concat([frame, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    };

    let pending: Buffer[] = [];
    let pendingLen = 0;
    for await (const piece of source) {
      const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
      pending.push(buf);
      pendingLen += buf.length;
      if (pendingLen < chunkSize) continue;
      let all = Buffer.concat(pending);
      // Keep the tail back: the last chunk is only known at the end of the input.
      while (all.length > chunkSize) {
        yield seal(all.subarray(0, chunkSize), false);
        all = all.subarray(chunkSize);
      }
      pending = [all];
      pendingLen = all.length;
    }
    yield seal(Buffer.concat(pending), true);
  };
}

/** Reads bytes from an async iterable on demand. */
class ByteReader {
  private buf = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer | string>) {}

  /** Exactly n bytes, or fewer only at the end of the input. */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else this.buf = Buffer.concat([this.buf, typeof next.value === 'string' ? Buffer.from(next.value) : next.value]);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

/** The key id a backup file names, read from its header (no key needed). */
export function readBackupKeyId(header: Buffer): string {
  if (header.length < HEADER_LEN || !header.subarray(0, 8).equals(MAGIC)) throw new BackupFormatError('not a Conversa backup file');
  return header.subarray(9, 17).toString('hex');
}

/** Decrypts the backup format; throws BackupFormatError on anything altered, truncated or under an unknown key. */
export function decryptBackup(keys: BackupKey[]) {
  return async function* (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    const reader = new ByteReader(source[Symbol.asyncIterator]());
    const header = await reader.read(HEADER_LEN);
    const keyId = readBackupKeyId(header);
    if (header[8] !== VERSION) throw new BackupFormatError(`unsupported backup format version ${header[8]}`);
    const key = keys.find((k) => k.id === keyId);
    if (!key) {
      throw new BackupFormatError(`the file was encrypted with key id ${keyId}; the keys given have ids ${keys.map((k) => k.id).join(', ')}`);
    }
    const salt = header.subarray(17, 33);
    const prefix = header.subarray(33, 40);
    const chunkSize = header.readUInt32BE(40);
    if (chunkSize === 0 || chunkSize > MAX_CHUNK) throw new BackupFormatError(`invalid chunk size ${chunkSize}`);
    const k = fileKey(key.key, salt);

    for (let index = 0; ; index++) {
      const frame = await reader.read(FRAME_LEN);
      if (frame.length < FRAME_LEN) throw new BackupFormatError('backup file is truncated (no final chunk)');
      const final = frame[0] === 1;
      const len = frame.readUInt32BE(1);
      if (frame[0]! > 1 || len > chunkSize) throw new BackupFormatError(`backup file is corrupt (chunk ${index})`);
      const body = await reader.read(len + TAG_LEN);
      if (body.length < len + TAG_LEN) throw new BackupFormatError('backup file is truncated');
      const decipher = createDecipheriv('aes-256-gcm', k, nonce(prefix, index, final));
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(len));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body.subarray(0, len)), decipher.final()]);
      } catch {
        throw new BackupFormatError(`backup file failed authentication at chunk ${index}: altered, or not made with this key`);
      }
      if (plain.length) yield plain;
      if (final) break;
    }
    if ((await reader.read(1)).length) throw new BackupFormatError('backup file has data after its final chunk');
  };
}
