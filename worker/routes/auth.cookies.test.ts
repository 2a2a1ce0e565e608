// The refresh token stays in the httpOnly cookie for browsers, and the cookie-authenticated endpoints refuse
// forged cross-site requests (issue 14, point 4).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { API_CLIENT, api, PASSWORD, signupOrg, uniqueEmail } from '../../test/harness';

const cookieOf = (res: { headers: Headers }) => /conversa_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
const appOrigin = new URL(env.APP_URL.split(',')[0]!).origin;

describe('refresh token delivery', () => {
  it('a browser gets it only in the cookie; an API client that opts in gets it in the body too', async () => {
    const email = uniqueEmail('browser');
    const browser = await api('POST', '/api/v1/auth/signup', { body: { organizationName: 'Loja', name: 'Bia', email, password: PASSWORD } });
    expect(browser.status).toBe(201);
    expect(browser.body.refreshToken).toBeUndefined();
    expect(JSON.stringify(browser.body)).not.toContain(cookieOf(browser)!);

    const apiClient = await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD }, headers: API_CLIENT });
    expect(apiClient.body.refreshToken).toBe(cookieOf(apiClient));

    // Refreshed with the cookie: a browser, even when (an injected script) asks for the body.
    const viaCookie = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `conversa_refresh=${cookieOf(apiClient)}`, ...API_CLIENT } });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.refreshToken).toBeUndefined();
    expect(cookieOf(viaCookie)).toBeTruthy();

    // Presented in the body: an API client, answered in the body.
    const viaBody = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: cookieOf(viaCookie) } });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body.refreshToken).toBe(cookieOf(viaBody));
  });
});

describe('cookie-authenticated endpoints', () => {
  it('refuse a text/plain or form POST (what a cross-site form or simple fetch sends), keeping the session', async () => {
    const s = await signupOrg();
    const cookie = { cookie: `conversa_refresh=${s.refreshToken}` };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const path of ['/api/v1/auth/refresh', '/api/v1/auth/logout']) {
        const res = await api('POST', path, { rawBody: '{}', headers: { ...cookie, 'content-type': type, origin: 'https://evil.example' } });
        expect(res.status, `${path} ${type}`).toBe(415);
        expect(res.body.error.code).toBe('unsupported_media_type');
      }
    }
    // Nothing was logged out or rotated: the token still refreshes.
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(200);
  });

  it('refuse JSON from a foreign Origin, accept the web app’s and a client without Origin', async () => {
    const s = await signupOrg();
    const foreign = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `conversa_refresh=${s.refreshToken}`, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden_origin');
    const sw = await api('POST', '/api/v1/auth/switch-organization', { token: s.accessToken, body: { organizationId: s.orgId }, headers: { origin: 'https://evil.example' } });
    expect(sw.status).toBe(403);

    const fromApp = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `conversa_refresh=${s.refreshToken}`, origin: appOrigin } });
    expect(fromApp.status).toBe(200);
    const noOrigin = await api('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `conversa_refresh=${cookieOf(fromApp)}` } });
    expect(noOrigin.status).toBe(200);
    // An API client posting the cookie with no body at all; the same from a foreign page is refused by its Origin.
    const bare = await api('POST', '/api/v1/auth/refresh', { headers: { cookie: `conversa_refresh=${cookieOf(noOrigin)}` } });
    expect(bare.status).toBe(200);
    const bareForeign = await api('POST', '/api/v1/auth/refresh', { headers: { cookie: `conversa_refresh=${cookieOf(bare)}`, origin: 'https://evil.example' } });
    expect(bareForeign.status).toBe(403);
  });
});
