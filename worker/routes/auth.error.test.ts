// Bad input never gives a 500: every refusal is a 4xx with the one error shape { error: { code, message } }.
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, PASSWORD, signupOrg, testDb, uniqueEmail, uniqueIp, type ApiResponse, type Session } from '../../test/harness';
import { hashPassword } from '../auth/password';
import { users } from '../db/schema';

const { db } = testDb();
const LONG = 'a'.repeat(10_000);
const JSON_HEADERS = { 'content-type': 'application/json' };
const OVER_1_MIB = `{"name":"${'a'.repeat(1024 * 1024 + 10)}"}`;

function expectErrorShape(res: ApiResponse, label: string) {
  expect(res.status, `${label}: ${JSON.stringify(res.body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(res.headers.get('content-type'), label).toMatch(/^application\/json/);
  expect(res.body, label).toEqual({ error: { code: expect.stringMatching(/^[a-z][a-z0-9_]*$/), message: expect.any(String) } });
  expect(res.body.error.message.length, label).toBeGreaterThan(0);
}

type Case = {
  name: string;
  method: string;
  path: string | ((s: Session) => string);
  body?: unknown;
  rawBody?: string;
  json?: boolean; // send content-type: application/json with rawBody
  auth?: boolean;
  status: number;
  code?: string;
};

const signup = { organizationName: 'Loja', name: 'Ana', email: 'ana@example.test', password: PASSWORD };
const uuid = '00000000-0000-4000-8000-000000000000';

// Shapes of broken input every JSON endpoint must refuse the same way.
function brokenBodies(method: string, path: string, auth = false): Case[] {
  return [
    { name: 'malformed JSON', method, path, rawBody: '{"email": "a@b.c",', json: true, auth, status: 400, code: 'bad_request' },
    { name: 'empty body (JSON content type)', method, path, rawBody: '', json: true, auth, status: 400 },
    { name: 'JSON null', method, path, rawBody: 'null', json: true, auth, status: 400, code: 'validation_failed' },
    { name: 'JSON array', method, path, rawBody: '[1,2]', json: true, auth, status: 400, code: 'validation_failed' },
    { name: 'JSON string', method, path, rawBody: '"text"', json: true, auth, status: 400, code: 'validation_failed' },
    { name: 'deeply nested JSON', method, path, rawBody: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, json: true, auth, status: 400 },
    { name: 'body over 1 MiB', method, path, rawBody: OVER_1_MIB, json: true, auth, status: 413, code: 'payload_too_large' },
  ];
}

const cases: Case[] = [
  // Sign-up.
  ...brokenBodies('POST', '/api/v1/auth/signup'),
  { name: 'signup: empty body, no content type', method: 'POST', path: '/api/v1/auth/signup', rawBody: '', status: 400, code: 'validation_failed' },
  { name: 'signup: {}', method: 'POST', path: '/api/v1/auth/signup', body: {}, status: 400, code: 'validation_failed' },
  { name: 'signup: missing password', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, password: undefined }, status: 400, code: 'validation_failed' },
  { name: 'signup: missing organizationName', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, organizationName: undefined }, status: 400, code: 'validation_failed' },
  { name: 'signup: wrong types', method: 'POST', path: '/api/v1/auth/signup', body: { organizationName: 1, name: true, email: [], password: {} }, status: 400, code: 'validation_failed' },
  { name: 'signup: 10,000-char name', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, name: LONG }, status: 400, code: 'validation_failed' },
  { name: 'signup: 10,000-char organizationName', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, organizationName: LONG }, status: 400, code: 'validation_failed' },
  { name: 'signup: 10,000-char e-mail', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, email: `${LONG}@example.test` }, status: 400, code: 'validation_failed' },
  { name: 'signup: 10,000-char password', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, password: LONG }, status: 400, code: 'validation_failed' },
  { name: 'signup: invalid e-mail', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, email: 'not-an-email' }, status: 400, code: 'validation_failed' },
  { name: 'signup: blank name', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, name: '   ' }, status: 400, code: 'validation_failed' },
  { name: 'signup: 7-char password', method: 'POST', path: '/api/v1/auth/signup', body: { ...signup, password: '1234567' }, status: 400, code: 'validation_failed' },
  { name: 'signup: text/plain body', method: 'POST', path: '/api/v1/auth/signup', rawBody: JSON.stringify(signup).replace('ana@', 'x@'), status: 400, code: 'validation_failed' },

  // Log-in.
  ...brokenBodies('POST', '/api/v1/auth/login'),
  { name: 'login: {}', method: 'POST', path: '/api/v1/auth/login', body: {}, status: 400, code: 'validation_failed' },
  { name: 'login: missing password', method: 'POST', path: '/api/v1/auth/login', body: { email: 'a@example.test' }, status: 400, code: 'validation_failed' },
  { name: 'login: wrong types', method: 'POST', path: '/api/v1/auth/login', body: { email: 42, password: ['x'] }, status: 400, code: 'validation_failed' },
  { name: 'login: empty password', method: 'POST', path: '/api/v1/auth/login', body: { email: 'a@example.test', password: '' }, status: 400, code: 'validation_failed' },
  { name: 'login: 10,000-char password', method: 'POST', path: '/api/v1/auth/login', body: { email: 'a@example.test', password: LONG }, status: 400, code: 'validation_failed' },
  { name: 'login: invalid e-mail', method: 'POST', path: '/api/v1/auth/login', body: { email: 'a@', password: PASSWORD }, status: 400, code: 'validation_failed' },
  { name: 'login: non-UUID organizationId', method: 'POST', path: '/api/v1/auth/login', body: { email: 'a@example.test', password: PASSWORD, organizationId: '1' }, status: 400, code: 'validation_failed' },

  // Refresh and log-out.
  ...brokenBodies('POST', '/api/v1/auth/refresh'),
  { name: 'refresh: number token', method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 123 }, status: 400, code: 'validation_failed' },
  { name: 'refresh: short token', method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 'short' }, status: 400, code: 'validation_failed' },
  { name: 'refresh: 10,000-char token', method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: LONG }, status: 400, code: 'validation_failed' },
  { name: 'refresh: no token at all', method: 'POST', path: '/api/v1/auth/refresh', body: {}, status: 401, code: 'invalid_refresh_token' },
  { name: 'refresh: unknown token', method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 'x'.repeat(43) }, status: 401, code: 'invalid_refresh_token' },
  { name: 'logout: malformed JSON', method: 'POST', path: '/api/v1/auth/logout', rawBody: '{', json: true, status: 400, code: 'bad_request' },
  { name: 'logout: wrong type', method: 'POST', path: '/api/v1/auth/logout', body: { refreshToken: false }, status: 400, code: 'validation_failed' },

  // Password reset.
  { name: 'reset request: invalid e-mail', method: 'POST', path: '/api/v1/auth/password-reset/request', body: { email: 'nope' }, status: 400, code: 'validation_failed' },
  { name: 'reset request: 10,000-char e-mail', method: 'POST', path: '/api/v1/auth/password-reset/request', body: { email: `${LONG}@x.test` }, status: 400, code: 'validation_failed' },
  { name: 'reset confirm: short token', method: 'POST', path: '/api/v1/auth/password-reset/confirm', body: { token: 'abc', password: PASSWORD }, status: 400, code: 'validation_failed' },
  { name: 'reset confirm: wrong types', method: 'POST', path: '/api/v1/auth/password-reset/confirm', body: { token: 1, password: 2 }, status: 400, code: 'validation_failed' },
  { name: 'switch organization: non-UUID', method: 'POST', path: '/api/v1/auth/switch-organization', body: { organizationId: 'abc' }, auth: true, status: 400, code: 'validation_failed' },

  // Invitations.
  ...brokenBodies('POST', '/api/v1/invitations', true),
  { name: 'invite: {}', method: 'POST', path: '/api/v1/invitations', body: {}, auth: true, status: 400, code: 'validation_failed' },
  { name: 'invite: unknown role owner', method: 'POST', path: '/api/v1/invitations', body: { email: 'x@example.test', role: 'owner' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'invite: role super_admin', method: 'POST', path: '/api/v1/invitations', body: { email: 'x@example.test', role: 'super_admin' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'invite: role of wrong type', method: 'POST', path: '/api/v1/invitations', body: { email: 'x@example.test', role: 1 }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'invite: invalid e-mail', method: 'POST', path: '/api/v1/invitations', body: { email: 'x', role: 'agent' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'invite: 10,000-char e-mail', method: 'POST', path: '/api/v1/invitations', body: { email: `${LONG}@x.test`, role: 'agent' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'revoke invitation: non-UUID id', method: 'DELETE', path: '/api/v1/invitations/123', auth: true, status: 400, code: 'validation_failed' },
  { name: 'revoke invitation: 10,000-char id', method: 'DELETE', path: `/api/v1/invitations/${LONG}`, auth: true, status: 400, code: 'validation_failed' },
  { name: 'lookup: no token', method: 'GET', path: '/api/v1/invitations/lookup', status: 400, code: 'validation_failed' },
  { name: 'lookup: short token', method: 'GET', path: '/api/v1/invitations/lookup?token=abc', status: 400, code: 'validation_failed' },
  { name: 'lookup: 10,000-char token', method: 'GET', path: `/api/v1/invitations/lookup?token=${LONG}`, status: 400, code: 'validation_failed' },
  { name: 'lookup: unknown token', method: 'GET', path: `/api/v1/invitations/lookup?token=${'z'.repeat(43)}`, status: 404, code: 'invitation_not_found' },
  ...brokenBodies('POST', '/api/v1/invitations/accept'),
  { name: 'accept: {}', method: 'POST', path: '/api/v1/invitations/accept', body: {}, status: 400, code: 'validation_failed' },
  { name: 'accept: 10,000-char name', method: 'POST', path: '/api/v1/invitations/accept', body: { token: 'z'.repeat(43), password: PASSWORD, name: LONG }, status: 400, code: 'validation_failed' },
  { name: 'accept: short password', method: 'POST', path: '/api/v1/invitations/accept', body: { token: 'z'.repeat(43), password: 'x' }, status: 400, code: 'validation_failed' },
  { name: 'accept: wrong types', method: 'POST', path: '/api/v1/invitations/accept', body: { token: ['z'], password: 12345678, name: {} }, status: 400, code: 'validation_failed' },
  { name: 'accept: unknown token', method: 'POST', path: '/api/v1/invitations/accept', body: { token: 'z'.repeat(43), password: PASSWORD, name: 'X' }, status: 404, code: 'invitation_not_found' },

  // Members.
  ...brokenBodies('PATCH', `/api/v1/members/${uuid}`, true),
  { name: 'member role: unknown role owner', method: 'PATCH', path: `/api/v1/members/${uuid}`, body: { role: 'owner' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'member role: {}', method: 'PATCH', path: `/api/v1/members/${uuid}`, body: {}, auth: true, status: 400, code: 'validation_failed' },
  { name: 'member role: null role', method: 'PATCH', path: `/api/v1/members/${uuid}`, body: { role: null }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'member role: non-UUID id', method: 'PATCH', path: '/api/v1/members/not-a-uuid', body: { role: 'agent' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'member role: SQL-ish id', method: 'PATCH', path: `/api/v1/members/${encodeURIComponent("1' or '1'='1")}`, body: { role: 'agent' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'remove member: non-UUID id', method: 'DELETE', path: '/api/v1/members/42', auth: true, status: 400, code: 'validation_failed' },
  { name: 'remove member: unknown UUID', method: 'DELETE', path: `/api/v1/members/${uuid}`, auth: true, status: 404, code: 'not_found' },

  // Organisation settings.
  ...brokenBodies('PATCH', '/api/v1/organization', true),
  { name: 'organization: {}', method: 'PATCH', path: '/api/v1/organization', body: {}, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: 10,000-char name', method: 'PATCH', path: '/api/v1/organization', body: { name: LONG }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: empty name', method: 'PATCH', path: '/api/v1/organization', body: { name: '' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: unknown locale', method: 'PATCH', path: '/api/v1/organization', body: { locale: 'fr' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: unknown time zone', method: 'PATCH', path: '/api/v1/organization', body: { timezone: 'Mars/Olympus_Mons' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: 10,000-char time zone', method: 'PATCH', path: '/api/v1/organization', body: { timezone: LONG }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: retentionDays as text', method: 'PATCH', path: '/api/v1/organization', body: { retentionDays: 'many' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: retentionDays too small', method: 'PATCH', path: '/api/v1/organization', body: { retentionDays: 10 }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: fractional retentionDays', method: 'PATCH', path: '/api/v1/organization', body: { retentionDays: 100.5 }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: huge retentionDays', method: 'PATCH', path: '/api/v1/organization', body: { retentionDays: 1e20 }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: retentionEnabled as text', method: 'PATCH', path: '/api/v1/organization', body: { retentionEnabled: 'yes' }, auth: true, status: 400, code: 'validation_failed' },
  { name: 'organization: negative graceDays', method: 'PATCH', path: '/api/v1/organization', body: { graceDays: -1 }, auth: true, status: 400, code: 'validation_failed' },

  // Routes that do not exist.
  { name: 'unknown path', method: 'GET', path: '/api/v1/nope', status: 404, code: 'not_found' },
  { name: 'wrong method on signup', method: 'GET', path: '/api/v1/auth/signup', status: 404, code: 'not_found' },
];

describe('bad input → 4xx with the error shape, never 500', () => {
  let admin: Session;
  beforeAll(async () => {
    // Every case below is refused, so they can share one organisation.
    admin = await signupOrg('Entradas Ruins');
  });

  for (const c of cases) {
    it(`${c.method} ${typeof c.path === 'string' ? c.path.slice(0, 60) : ''} — ${c.name} → ${c.status}${c.code ? ` ${c.code}` : ''}`, async () => {
      const res = await api(c.method, typeof c.path === 'string' ? c.path : c.path(admin), {
        body: c.body,
        rawBody: c.rawBody,
        token: c.auth ? admin.accessToken : undefined,
        headers: c.json ? JSON_HEADERS : undefined,
      });
      expectErrorShape(res, c.name);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(c.status);
      if (c.code) expect(res.body.error.code).toBe(c.code);
    });
  }

  it('a streamed body over 1 MiB (no Content-Length) → 413', async () => {
    const enc = new TextEncoder();
    // 9 + 16 × 64 KiB + 2 bytes: the limit is crossed on the last chunk, so the whole stream is consumed.
    const chunks = [enc.encode('{"name":"'), ...Array.from({ length: 15 }, () => enc.encode('a'.repeat(64 * 1024))), enc.encode(`${'a'.repeat(64 * 1024)}"}`)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await SELF.fetch('http://conversa.test/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
      body: stream,
    });
    const body = await res.json();
    expect(res.status).toBe(413);
    expect(body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  it('text with a NUL character is refused as bad input, not a database error', async () => {
    const withNul = 'Ana\u0000Maria';
    const responses = [
      await api('POST', '/api/v1/auth/signup', { body: { ...signup, email: uniqueEmail('nul'), name: withNul } }),
      await api('POST', '/api/v1/auth/signup', { body: { ...signup, email: uniqueEmail('nul'), organizationName: withNul } }),
      await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { name: withNul } }),
      await acceptWithName(admin, withNul),
    ];
    for (const [i, res] of responses.entries()) {
      expect.soft(res.status, `request ${i}: ${JSON.stringify(res.body)}`).toBe(400);
      expect.soft(res.body?.error?.code, `request ${i}`).toBe('validation_failed');
    }
  });
});

/** Invites a fresh address into the admin's organisation and tries to accept it as a new account named `name`. */
async function acceptWithName(admin: Session, name: string) {
  const email = uniqueEmail('nul-invite');
  const inv = await api('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email, role: 'agent' } });
  expect(inv.status).toBe(201);
  const mail = await api('GET', `/dev/outbox.json?to=${encodeURIComponent(email)}`);
  const token = new URL(mail.body.data[0].text.match(/https?:\/\/\S+/)[0]).searchParams.get('token');
  return api('POST', '/api/v1/invitations/accept', { body: { token, password: PASSWORD, name } });
}

describe('account errors', () => {
  it('a second sign-up with the same e-mail (any case) → 409 email_taken', async () => {
    const first = await signupOrg('Primeira Conta');
    for (const email of [first.email, first.email.toUpperCase()]) {
      const res = await api('POST', '/api/v1/auth/signup', { body: { organizationName: 'Outra', name: 'Outro', email, password: PASSWORD } });
      expectErrorShape(res, email);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('email_taken');
    }
  });

  it('two simultaneous sign-ups with one e-mail: one 201, one 409 email_taken, never a 500', async () => {
    const email = uniqueEmail('corrida');
    const body = (org: string) => ({ organizationName: org, name: 'Corrida', email, password: PASSWORD });
    const results = await Promise.all([
      api('POST', '/api/v1/auth/signup', { body: body('Corrida 1') }),
      api('POST', '/api/v1/auth/signup', { body: body('Corrida 2') }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe('email_taken');
  });

  it('wrong password and unknown e-mail give the same 401 invalid_credentials body', async () => {
    const s = await signupOrg('Credenciais');
    const wrong = await api('POST', '/api/v1/auth/login', { body: { email: s.email, password: 'senha-errada-1' } });
    const unknown = await api('POST', '/api/v1/auth/login', { body: { email: uniqueEmail('ninguem'), password: 'senha-errada-1' } });
    for (const res of [wrong, unknown]) {
      expectErrorShape(res, 'login');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_credentials');
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('a user without any organisation cannot log in: 403 no_organization', async () => {
    const email = uniqueEmail('sem-org');
    await db.insert(users).values({ email, name: 'Sem Org', passwordHash: await hashPassword(PASSWORD) });
    const res = await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expectErrorShape(res, 'no org');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('no_organization');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('log-in into an organisation the user does not belong to → 404', async () => {
    const s = await signupOrg('Minha');
    const other = await signupOrg('Alheia');
    const res = await api('POST', '/api/v1/auth/login', { body: { email: s.email, password: PASSWORD, organizationId: other.orgId } });
    expectErrorShape(res, 'foreign org');
    expect(res.status).toBe(404);
  });
});
