// Sealed streams: files encrypted at rest in fixed-size chunks (issue 21 §4), so a 100 MB video is never encrypted or
// decrypted in one piece inside a Worker's 128 MB. Format v1: the plaintext is cut into `chunkSize` pieces (the last
// one shorter, possibly empty; an empty file is one empty chunk), each stored as `iv(12) | AES-GCM ciphertext | tag(16)`.
// Each chunk's associated data is the context, its index and whether it is the last one: a chunk moved, swapped with
// one of another file, dropped from the end or followed by extra chunks no longer opens.
// The plaintext size is kept beside the object (R2 custom metadata); it only says where chunks end, it is not trusted:
// a wrong size makes a chunk's length or final flag disagree with what was sealed, and that chunk does not open.

export const SEALED_CHUNK_SIZE = 64 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const CHUNK_OVERHEAD = IV_BYTES + TAG_BYTES;

const encoder = new TextEncoder();

/** How many chunks a plaintext of this size is sealed in (at least one). */
export function chunkCount(plainSize: number, chunkSize = SEALED_CHUNK_SIZE): number {
  return Math.max(1, Math.ceil(plainSize / chunkSize));
}

/** The stored size of a plaintext of this size. */
export function sealedSize(plainSize: number, chunkSize = SEALED_CHUNK_SIZE): number {
  return plainSize + chunkCount(plainSize, chunkSize) * CHUNK_OVERHEAD;
}

function associatedData(context: string, index: number, final: boolean): Uint8Array {
  const ctx = encoder.encode(context);
  const out = new Uint8Array(ctx.length + 5);
  out.set(ctx);
  // Fixed-size suffix: no context can be confused with another context plus an index.
  new DataView(out.buffer).setUint32(ctx.length, index);
  out[ctx.length + 4] = final ? 1 : 0;
  return out;
}

async function sealChunk(key: CryptoKey, context: string, plain: Uint8Array, index: number, final: boolean): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(context, index, final) }, key, plain);
  const out = new Uint8Array(IV_BYTES + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), IV_BYTES);
  return out;
}

export class SealedStreamError extends Error {
  override name = 'SealedStreamError';
}

async function openChunk(key: CryptoKey, context: string, sealed: Uint8Array, index: number, final: boolean): Promise<Uint8Array> {
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES), additionalData: associatedData(context, index, final) },
      key,
      sealed.subarray(IV_BYTES),
    );
    return new Uint8Array(pt);
  } catch {
    throw new SealedStreamError(`chunk ${index} does not open (tampered, truncated, reordered or another file's)`);
  }
}

/** Plaintext bytes in, sealed chunks out. */
export function sealingStream(key: CryptoKey, context: string, chunkSize = SEALED_CHUNK_SIZE): TransformStream<Uint8Array, Uint8Array> {
  const buf = new Uint8Array(chunkSize);
  let filled = 0;
  let index = 0;
  return new TransformStream({
    async transform(data, ctl) {
      let pos = 0;
      while (pos < data.length) {
        // A full buffer is sealed only once more bytes arrive: until then it may be the last chunk.
        if (filled === chunkSize) {
          ctl.enqueue(await sealChunk(key, context, buf, index++, false));
          filled = 0;
        }
        const n = Math.min(chunkSize - filled, data.length - pos);
        buf.set(data.subarray(pos, pos + n), filled);
        filled += n;
        pos += n;
      }
    },
    async flush(ctl) {
      ctl.enqueue(await sealChunk(key, context, buf.subarray(0, filled), index, true));
    },
  });
}

export interface OpenOptions {
  /** The whole file's plaintext size. */
  plainSize: number;
  chunkSize?: number;
  /** The first chunk the incoming bytes start with (a range read), and the last one they hold. */
  firstChunk?: number;
  lastChunk?: number;
}

/** Sealed chunks in (the whole object, or the chunks `firstChunk..lastChunk` of it), plaintext out. */
export function openingStream(key: CryptoKey, context: string, opts: OpenOptions): TransformStream<Uint8Array, Uint8Array> {
  const chunkSize = opts.chunkSize ?? SEALED_CHUNK_SIZE;
  const count = chunkCount(opts.plainSize, chunkSize);
  const last = opts.lastChunk ?? count - 1;
  let index = opts.firstChunk ?? 0;
  if (index < 0 || last >= count || index > last) throw new RangeError('chunk range outside the file');
  const expected = (i: number) => (i < count - 1 ? chunkSize : opts.plainSize - (count - 1) * chunkSize) + CHUNK_OVERHEAD;
  let buf = new Uint8Array(expected(index));
  let filled = 0;
  return new TransformStream({
    async transform(data, ctl) {
      let pos = 0;
      while (pos < data.length) {
        if (index > last) throw new SealedStreamError('bytes after the last chunk');
        const n = Math.min(buf.length - filled, data.length - pos);
        buf.set(data.subarray(pos, pos + n), filled);
        filled += n;
        pos += n;
        if (filled === buf.length) {
          ctl.enqueue(await openChunk(key, context, buf, index, index === count - 1));
          index++;
          filled = 0;
          if (index <= last) buf = new Uint8Array(expected(index));
        }
      }
    },
    flush() {
      if (index <= last) throw new SealedStreamError(`ended inside chunk ${index} (truncated)`);
    },
  });
}

export interface SealedRange {
  /** The stored bytes to read: offset and length. */
  offset: number;
  length: number;
  firstChunk: number;
  lastChunk: number;
  /** Plaintext bytes to drop from the first chunk, and how many to keep after that. */
  skip: number;
  take: number;
}

/** The stored chunks that cover plaintext bytes `start..end` (inclusive, within the file). */
export function sealedRange(plainSize: number, start: number, end: number, chunkSize = SEALED_CHUNK_SIZE): SealedRange {
  if (start < 0 || end < start || end >= plainSize) throw new RangeError('byte range outside the file');
  const firstChunk = Math.floor(start / chunkSize);
  const lastChunk = Math.floor(end / chunkSize);
  const stored = chunkSize + CHUNK_OVERHEAD;
  const offset = firstChunk * stored;
  const lastEnd = Math.min(plainSize, (lastChunk + 1) * chunkSize) - lastChunk * chunkSize + CHUNK_OVERHEAD + lastChunk * stored;
  return { offset, length: lastEnd - offset, firstChunk, lastChunk, skip: start - firstChunk * chunkSize, take: end - start + 1 };
}

/** Keeps `take` bytes after the first `skip`. */
export function sliceStream(skip: number, take: number): TransformStream<Uint8Array, Uint8Array> {
  let toSkip = skip;
  let left = take;
  return new TransformStream({
    transform(data, ctl) {
      let part = data;
      if (toSkip > 0) {
        const n = Math.min(toSkip, part.length);
        part = part.subarray(n);
        toSkip -= n;
      }
      if (left > 0 && part.length > 0) {
        const out = part.subarray(0, Math.min(left, part.length));
        left -= out.length;
        ctl.enqueue(out);
      }
    },
  });
}
