// HTTP Range requests (RFC 9110 §14) for media: one `bytes=` range, resolved against the file's size. Anything else
// (several ranges, other units, a range past the end) is ignored and the whole file is served, which the RFC allows.

export interface ByteRange {
  /** Inclusive, within the file. */
  start: number;
  end: number;
}

/** The single byte range a Range header asks for in a file of `size` bytes, or null to serve it whole. */
export function resolveRange(header: string | null | undefined, size: number): ByteRange | null {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return null;
  if (m[1] === '') {
    // "bytes=-500": the last 500 bytes.
    const suffix = Number(m[2]);
    return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? null : { start, end };
}
