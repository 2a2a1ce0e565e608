// The streaming ZIP writer against miniflare's R2: an archive larger than one multipart part (so parts of exactly
// ZIP_PART_BYTES and a shorter last one) opens with fflate and gives back every byte.
import { env } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZIP_PART_BYTES, ZipToR2 } from './zip-to-r2';

const digest = async (b: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', b));

describe('ZipToR2', () => {
  it('streams an archive of several parts into one R2 object that unzips to the same bytes', async () => {
    const big = new Uint8Array(ZIP_PART_BYTES + 1_234_567);
    for (let i = 0, x = 7; i < big.length; i++) big[i] = x = (x * 1103515245 + 12345) & 0xff;
    const key = `exports/test/${crypto.randomUUID()}/dados.zip`;
    await env.MEDIA.put(`${key}.src`, big);
    const zip = new ZipToR2(env.MEDIA, key);
    await zip.addFile('a.json', JSON.stringify({ olá: 'mundo' }));
    await zip.addStream('midia/grande.bin', (await env.MEDIA.get(`${key}.src`))!.body);
    await zip.addFile('resumo.html', '<p>fim</p>');
    const { size } = await zip.finish();

    const object = await env.MEDIA.get(key);
    expect(object!.size).toBe(size);
    expect(size).toBeGreaterThan(ZIP_PART_BYTES);
    const files = unzipSync(new Uint8Array(await object!.arrayBuffer()));
    expect(Object.keys(files)).toEqual(['a.json', 'midia/grande.bin', 'resumo.html']);
    expect(JSON.parse(strFromU8(files['a.json']!))).toEqual({ olá: 'mundo' });
    expect(await digest(files['midia/grande.bin']!)).toEqual(await digest(big));
    expect(strFromU8(files['resumo.html']!)).toBe('<p>fim</p>');
    await env.MEDIA.delete([key, `${key}.src`]);
  });
});
