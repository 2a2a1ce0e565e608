// The channel's access token goes to Meta only (issue 14, point 7).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadMedia, GraphError, trustedMediaUrl } from './graph';

const cfg = { baseUrl: 'http://127.0.0.1:9999/v21.0', accessToken: 'EAAG-secret-token' };

describe('media downloads', () => {
  afterEach(() => vi.restoreAllMocks());

  it('trusts https Meta hosts and the configured Graph origin, nothing else', () => {
    expect(trustedMediaUrl(cfg, 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1')).toBe(true);
    expect(trustedMediaUrl(cfg, 'http://127.0.0.1:9999/media/abc')).toBe(true);
    for (const url of [
      'http://lookaside.fbsbx.com/x', // not https
      'https://evil.example/x',
      'https://fbsbx.com.evil.example/x',
      'https://evilfbsbx.com/x',
      'https://user:pw@lookaside.fbsbx.com/x',
      'http://127.0.0.1:9998/x', // another port of the same host
      'not a url',
    ]) {
      expect(trustedMediaUrl(cfg, url), url).toBe(false);
    }
  });

  it('refuses an untrusted URL without sending the token anywhere', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const err = await downloadMedia(cfg, 'https://attacker.example/steal').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).retryable).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});
