// Tenant media objects in R2, encrypted at rest with the organisation's data key (issue 21 §4): every media write
// and read goes through here. Sealed objects are chunked (worker/lib/sealed-stream.ts) and streamed both ways, so a
// large video is never held whole; their custom metadata says `{ enc: 'v1', keyId, plainSize }`. Objects without it
// (stored before encryption, or with ENCRYPTION_MASTER_KEYS unset) are served as they are.
import type { Db } from '../db/client';
import type { Env } from '../env';
import { resolveRange, type ByteRange } from '../lib/byte-range';
import { decryptField, encryptField, isEncrypted } from '../lib/envelope';
import { openingStream, sealedRange, sealedSize, sealingStream, sliceStream } from '../lib/sealed-stream';
import { mediaContext } from './content-crypto';
import { activeDataKey, keyResolver, SHREDDED_PLACEHOLDER } from './organization-keys';

export type MediaEnv = Pick<Env, 'MEDIA' | 'ENCRYPTION_MASTER_KEYS'>;

export const MEDIA_FORMAT = 'v1';
const nameContext = (key: string) => `media-name:${key}`;

/** The object is sealed with a data key that was destroyed (crypto-shredding): it can never be read again. */
export class MediaShredded extends Error {
  override name = 'MediaShredded';
}

type PlainBody = ArrayBuffer | ArrayBufferView | { stream: ReadableStream<Uint8Array>; size: number };

/**
 * Stores a tenant's file. The organisation's key is fetched (or created) in its own transaction first, so call this
 * outside any tenant transaction.
 */
export async function putMediaObject(
  env: MediaEnv,
  db: Db,
  orgId: string,
  key: string,
  body: PlainBody,
  meta: { contentType: string; custom?: Record<string, string> },
): Promise<void> {
  const httpMetadata = { contentType: meta.contentType };
  const secret = env.ENCRYPTION_MASTER_KEYS;
  if (!secret) {
    await env.MEDIA.put(key, 'stream' in body ? body.stream.pipeThrough(new FixedLengthStream(body.size)) : body, { httpMetadata, customMetadata: meta.custom });
    return;
  }
  const dataKey = await activeDataKey(db, secret, orgId);
  const plain = 'stream' in body ? body : { stream: new Blob([body]).stream(), size: body.byteLength };
  // A file's name can say whose it is ("RG João Silva.pdf"): sealed like the bytes.
  const custom = { ...meta.custom };
  if (custom.filename) custom.filename = await encryptField(dataKey, custom.filename, nameContext(key));
  // R2 takes a stream only with its length known up front: the sealed size follows from the plaintext size.
  const sealed = plain.stream.pipeThrough(sealingStream(dataKey.key, mediaContext(key))).pipeThrough(new FixedLengthStream(sealedSize(plain.size)));
  await env.MEDIA.put(key, sealed, {
    httpMetadata,
    customMetadata: { ...custom, enc: MEDIA_FORMAT, keyId: dataKey.id, plainSize: String(plain.size) },
  });
}

export interface MediaRead {
  /** Plaintext: the whole file, or the range asked for. */
  body: ReadableStream<Uint8Array>;
  /** The whole file's size. */
  size: number;
  /** The part served, when a range was asked for and could be served. */
  range: ByteRange | null;
  contentType: string | null;
  metadata: Record<string, string>;
}

interface Sealed {
  key: CryptoKey;
  plainSize: number;
}

/** The data key and size of a sealed object; null for plaintext ones. */
async function sealedInfo(env: MediaEnv, db: Db, orgId: string, object: R2Object): Promise<Sealed | null> {
  const meta = object.customMetadata ?? {};
  if (!meta.enc) return null;
  if (meta.enc !== MEDIA_FORMAT || !meta.keyId || !meta.plainSize) throw new Error(`media object ${object.key} has an unknown format (${meta.enc})`);
  if (!env.ENCRYPTION_MASTER_KEYS) throw new Error('media is encrypted but ENCRYPTION_MASTER_KEYS is not configured');
  const key = await keyResolver(db, env.ENCRYPTION_MASTER_KEYS, orgId)(meta.keyId);
  if (!key) throw new MediaShredded(`the key of ${object.key} was destroyed`);
  return { key, plainSize: Number(meta.plainSize) };
}

/** The object's custom metadata with its sealed name opened. */
async function openMetadata(env: MediaEnv, db: Db, orgId: string, object: R2Object): Promise<Record<string, string>> {
  const meta = { ...object.customMetadata };
  if (meta.filename && isEncrypted(meta.filename)) {
    if (!env.ENCRYPTION_MASTER_KEYS) throw new Error('media is encrypted but ENCRYPTION_MASTER_KEYS is not configured');
    meta.filename = await decryptField(meta.filename, nameContext(object.key), keyResolver(db, env.ENCRYPTION_MASTER_KEYS, orgId), SHREDDED_PLACEHOLDER);
  }
  return meta;
}

/**
 * A tenant's file as plaintext, streamed; null when the object is gone. With a Range header, only the range (when it
 * is one the file has). Throws MediaShredded when its key was destroyed. Call outside any tenant transaction.
 */
export async function readMediaObject(env: MediaEnv, db: Db, orgId: string, key: string, rangeHeader?: string | null): Promise<MediaRead | null> {
  const described = async (object: R2Object, size: number, range: ByteRange | null, body: ReadableStream<Uint8Array>): Promise<MediaRead> => ({
    // A known length: the response carries Content-Length, and a short stream fails instead of passing as whole.
    body: body.pipeThrough(new FixedLengthStream(range ? range.end - range.start + 1 : size)),
    size,
    range,
    contentType: object.httpMetadata?.contentType ?? null,
    metadata: await openMetadata(env, db, orgId, object),
  });
  if (!rangeHeader) {
    const object = await env.MEDIA.get(key);
    if (!object) return null;
    const sealed = await sealedInfo(env, db, orgId, object).catch(async (err) => {
      await object.body.cancel();
      throw err;
    });
    if (!sealed) return described(object, object.size, null, object.body);
    return described(object, sealed.plainSize, null, object.body.pipeThrough(openingStream(sealed.key, mediaContext(key), { plainSize: sealed.plainSize })));
  }
  const head = await env.MEDIA.head(key);
  if (!head) return null;
  const sealed = await sealedInfo(env, db, orgId, head);
  const size = sealed ? sealed.plainSize : head.size;
  const range = resolveRange(rangeHeader, size);
  if (!range) return readMediaObject(env, db, orgId, key);
  if (!sealed) {
    const object = await env.MEDIA.get(key, { range: { offset: range.start, length: range.end - range.start + 1 } });
    return object && (await described(object, size, range, object.body));
  }
  const r = sealedRange(size, range.start, range.end);
  const object = await env.MEDIA.get(key, { range: { offset: r.offset, length: r.length } });
  if (!object) return null;
  const opened = object.body
    .pipeThrough(openingStream(sealed.key, mediaContext(key), { plainSize: size, firstChunk: r.firstChunk, lastChunk: r.lastChunk }))
    .pipeThrough(sliceStream(r.skip, r.take));
  return described(object, size, range, opened);
}

/** A whole file in memory (what a provider upload takes), or null when it is gone or its key was destroyed. */
export async function readMediaBytes(env: MediaEnv, db: Db, orgId: string, key: string): Promise<{ bytes: ArrayBuffer; contentType: string | null; metadata: Record<string, string> } | null> {
  try {
    const read = await readMediaObject(env, db, orgId, key);
    return read && { bytes: await new Response(read.body).arrayBuffer(), contentType: read.contentType, metadata: read.metadata };
  } catch (err) {
    if (err instanceof MediaShredded) return null;
    throw err;
  }
}
