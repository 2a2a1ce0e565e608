// A ZIP written straight into an R2 object as it is produced (fflate's streaming Zip → R2 multipart upload), so an
// archive of any size needs only about one part of memory. JSON goes in deflated, media as stored (already
// compressed formats; deflating them again costs CPU for nothing).
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';

/** R2 takes parts of at least 5 MiB but the last; every part here but the last has exactly this size. */
export const ZIP_PART_BYTES = 8 * 1024 * 1024;

export class ZipToR2 {
  private readonly zip: Zip;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: Error | null = null;
  private ended = false;
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];
  /** Bytes of the archive written so far. */
  size = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly contentType = 'application/zip',
  ) {
    this.zip = new Zip((err, chunk, final) => {
      if (err) this.failure = err;
      else {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        this.size += chunk.length;
      }
      if (final) this.ended = true;
    });
  }

  /** A whole small file (JSON, HTML), deflated. */
  async addFile(name: string, content: string | Uint8Array): Promise<void> {
    const file = new ZipDeflate(name, { level: 6 });
    this.zip.add(file);
    file.push(typeof content === 'string' ? strToU8(content) : content, true);
    await this.flush(false);
  }

  /** A file read as a stream (an R2 object's body), stored as is, uploaded as it arrives. */
  async addStream(name: string, body: ReadableStream<Uint8Array>): Promise<void> {
    const file = new ZipPassThrough(name);
    this.zip.add(file);
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      file.push(value);
      await this.flush(false);
    }
    file.push(new Uint8Array(0), true);
    await this.flush(false);
  }

  /** Writes the central directory and completes the upload. */
  async finish(): Promise<{ size: number }> {
    this.zip.end();
    if (!this.ended) throw new Error('zip did not end');
    await this.flush(true);
    await this.upload!.complete(this.parts);
    return { size: this.size };
  }

  /** Aborts the upload (its parts are dropped by R2). */
  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => {});
  }

  private async flush(last: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.pendingBytes >= ZIP_PART_BYTES || (last && (this.pendingBytes > 0 || this.parts.length === 0))) {
      const size = Math.min(ZIP_PART_BYTES, this.pendingBytes);
      const part = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const head = this.pending[0]!;
        const take = Math.min(head.length, size - filled);
        part.set(head.subarray(0, take), filled);
        filled += take;
        if (take === head.length) this.pending.shift();
        else this.pending[0] = head.subarray(take);
      }
      this.pendingBytes -= size;
      this.upload ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: { contentType: this.contentType } });
      this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
      if (last && this.pendingBytes === 0) break;
    }
  }
}
