// Small but real files for media a fake customer sends when the test gives no bytes (a JPEG a browser can show, an
// Ogg Opus voice note a player can play, a one-page PDF …), and the few facts WhatsApp puts in a media message that
// come from the file itself: image size, audio length, MIME type from a file name.

/** 4×3 WhatsApp-green pictures, made once with sharp. */
const JPEG_B64 = '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAADAAQDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCoANNP/9k=';
const WEBP_B64 = 'UklGRjQAAABXRUJQVlA4ICgAAACQAQCdASoEAAMAAsBMJaACdLoAA5gA/tju9d4tMUP/Owf2b+9HTMAA';
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEElEQVQImWNQvZwGRww4OQA9FhBp+TLpKQAAAABJRU5ErkJggg==';

export const SAMPLE_JPEG = (): Buffer => Buffer.from(JPEG_B64, 'base64');
export const SAMPLE_WEBP = (): Buffer => Buffer.from(WEBP_B64, 'base64');
export const SAMPLE_PNG = (): Buffer => Buffer.from(PNG_B64, 'base64');
/** What WhatsApp puts in jpegThumbnail: a tiny JPEG. */
export const THUMBNAIL_B64 = JPEG_B64;

// ---------- Ogg Opus ----------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(buf: Buffer): number {
  let crc = 0;
  for (const b of buf) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

function oggPage(packets: Buffer[], granule: bigint, seq: number, flags: number): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) { lacing.push(255); n -= 255; }
    lacing.push(n);
  }
  const head = Buffer.alloc(27 + lacing.length);
  head.write('OggS', 0, 'latin1');
  head[5] = flags;
  head.writeBigInt64LE(granule, 6);
  head.writeUInt32LE(0x4f475631, 14); // stream serial
  head.writeUInt32LE(seq, 18);
  head[26] = lacing.length;
  lacing.forEach((l, i) => { head[27 + i] = l; });
  const page = Buffer.concat([head, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

const PRE_SKIP = 312;

/** A mono Ogg Opus file of `seconds` of silence (20 ms CELT frames), like a WhatsApp voice note. */
export function sampleOggOpus(seconds = 1): Buffer {
  const opusHead = Buffer.alloc(19);
  opusHead.write('OpusHead', 0, 'latin1');
  opusHead[8] = 1; // version
  opusHead[9] = 1; // channels
  opusHead.writeUInt16LE(PRE_SKIP, 10);
  opusHead.writeUInt32LE(48000, 12);
  const vendor = Buffer.from('fake-evolution', 'latin1');
  const opusTags = Buffer.alloc(8 + 4 + vendor.length + 4);
  opusTags.write('OpusTags', 0, 'latin1');
  opusTags.writeUInt32LE(vendor.length, 8);
  vendor.copy(opusTags, 12);
  const frames = Math.max(1, Math.round(seconds * 50));
  const silence = Buffer.from([0xf8, 0xff, 0xfe]);
  return Buffer.concat([
    oggPage([opusHead], 0n, 0, 0x02),
    oggPage([opusTags], 0n, 1, 0),
    oggPage(Array.from({ length: frames }, () => silence), BigInt(frames * 960 + PRE_SKIP), 2, 0x04),
  ]);
}

/** Length of an Ogg Opus file from its last page's granule position (0 when not Ogg). */
export function oggSeconds(bytes: Buffer): number {
  const last = bytes.lastIndexOf(Buffer.from('OggS', 'latin1'));
  if (last < 0 || last + 14 > bytes.length) return 0;
  const granule = Number(bytes.readBigInt64LE(last + 6));
  const head = bytes.indexOf(Buffer.from('OpusHead', 'latin1'));
  const preSkip = head >= 0 && head + 12 <= bytes.length ? bytes.readUInt16LE(head + 10) : 0;
  return Math.max(0, Math.round((granule - preSkip) / 48000));
}

// ---------- MP4, PDF ----------

/** Only the `ftyp` box of an MP4: enough for sniffers, not a playable video. */
export function sampleMp4(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write('isomiso2', 16, 'latin1');
  const free = Buffer.alloc(8);
  free.writeUInt32BE(8, 0);
  free.write('free', 4, 'latin1');
  return Buffer.concat([ftyp, free]);
}

/** A valid PDF (with a correct xref table), one page per text: a blue box and the text on each. */
export function samplePdf(texts: string | string[] = 'Pedido 1234 - Conversa'): Buffer {
  const pages = Array.isArray(texts) ? texts : [texts];
  const font = 3 + pages.length * 2;
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`];
  for (const [i, text] of pages.entries()) {
    const safe = text.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?');
    const stream = `0 0 1 rg 20 20 120 60 re f\nBT /F1 18 Tf 40 140 Td (${safe}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents ${4 + i * 2} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`,
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    );
  }
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---------- facts from files ----------

/** Width and height of a PNG, JPEG or WebP (VP8/VP8L/VP8X), or null. */
export function imageSize(b: Buffer): { width: number; height: number } | null {
  if (b.length > 24 && b.readUInt32BE(0) === 0x89504e47) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) { i++; continue; }
      const marker = b[i + 1]!;
      const len = b.readUInt16BE(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return null;
  }
  if (b.length > 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  }
  return null;
}

/** A MIME type from the bytes themselves, or null. */
export function sniffMime(b: Buffer): string | null {
  if (b.length >= 4 && b.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'OggS') return 'audio/ogg; codecs=opus';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  if (b.length >= 8 && b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  if (b.length >= 3 && (b.toString('latin1', 0, 3) === 'ID3' || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0))) return 'audio/mpeg';
  return null;
}

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif',
  mp4: 'video/mp4', '3gp': 'video/3gpp', mov: 'video/quicktime',
  ogg: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', zip: 'application/zip',
};

export function mimeFromFileName(name: string | undefined): string | null {
  const ext = name?.split('.').pop()?.toLowerCase();
  return ext && name!.includes('.') ? BY_EXTENSION[ext] ?? null : null;
}

export function extensionOf(mime: string): string {
  const base = mime.split(';')[0]!.trim();
  for (const [ext, m] of Object.entries(BY_EXTENSION)) if (m === base && ext !== 'jpeg' && ext !== 'opus') return ext;
  return base.split('/')[1] ?? 'bin';
}
