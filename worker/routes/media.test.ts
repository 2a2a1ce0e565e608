// Media from customers is served so that it can never run as a page of our origin (issue 14, point 6).
import { describe, expect, it } from 'vitest';
import { mediaHeaders } from './media';

describe('media response headers', () => {
  it('serve images, audio, video and PDF inline, with their declared type', () => {
    for (const [type, name] of [
      ['image/png', 'foto.png'],
      ['image/jpeg', 'foto.jpg'],
      ['audio/ogg; codecs=opus', null],
      ['video/mp4', 'video.mp4'],
      ['application/pdf', 'boleto.pdf'],
    ] as const) {
      const h = mediaHeaders(type, name, 10);
      expect(h.get('content-type'), type).toBe(type);
      expect(h.get('content-disposition'), type).toMatch(/^inline/);
    }
  });

  it('serve SVG, HTML, XML, scripts and unknown types as opaque downloads', () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/javascript', 'text/plain', 'application/x-msdownload', null]) {
      const h = mediaHeaders(type, 'arquivo', 10);
      expect(h.get('content-type'), String(type)).toBe('application/octet-stream');
      expect(h.get('content-disposition'), String(type)).toMatch(/^attachment/);
    }
  });

  it('sandbox every response, never sniff, and encode the filename', () => {
    const h = mediaHeaders('image/png', 'nota "fiscal"; <script>.png', 10);
    expect(h.get('content-security-policy')).toMatch(/^sandbox/);
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('nota "fiscal"; <script>.png')}`);
    expect(h.get('content-disposition')).not.toMatch(/[<>"]/);
  });
});
