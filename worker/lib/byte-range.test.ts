import { describe, expect, it } from 'vitest';
import { resolveRange } from './byte-range';

describe('byte ranges', () => {
  it('resolve one range against the size', () => {
    expect(resolveRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(resolveRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(resolveRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(resolveRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('serve the whole file for anything else', () => {
    for (const h of [null, '', 'bytes=1000-', 'bytes=5-1', 'bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=-0', 'bytes=abc']) {
      expect(resolveRange(h, 1000), String(h)).toBeNull();
    }
    expect(resolveRange('bytes=0-0', 0)).toBeNull();
  });
});
