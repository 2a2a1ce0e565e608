// CORS for the web app on another origin (Pages): APP_URL's origins only, with credentials (issue 14, point 5).
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { signupOrg, uniqueIp } from '../../test/harness';

const appOrigin = new URL(env.APP_URL.split(',')[0]!).origin;

describe('CORS', () => {
  it('answers the web app’s preflight and requests with its origin and credentials', async () => {
    const pre = await SELF.fetch('http://conversa.test/api/v1/conversations', {
      method: 'OPTIONS',
      headers: { origin: appOrigin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization', 'cf-connecting-ip': uniqueIp() },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

    const s = await signupOrg('Cors');
    const res = await SELF.fetch('http://conversa.test/api/v1/conversations', {
      headers: { origin: appOrigin, authorization: `Bearer ${s.accessToken}`, 'cf-connecting-ip': uniqueIp() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(appOrigin);
  });

  it('gives any other origin no CORS headers, and webhooks none at all', async () => {
    const pre = await SELF.fetch('http://conversa.test/api/v1/conversations', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'cf-connecting-ip': uniqueIp() },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const s = await signupOrg('Cors Outro');
    const res = await SELF.fetch('http://conversa.test/api/v1/conversations', {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${s.accessToken}`, 'cf-connecting-ip': uniqueIp() },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const hook = await SELF.fetch('http://conversa.test/webhooks/whatsapp', { method: 'OPTIONS', headers: { origin: appOrigin, 'access-control-request-method': 'POST' } });
    expect(hook.headers.get('access-control-allow-origin')).toBeNull();
  });
});
