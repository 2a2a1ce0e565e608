// Password reset end to end: request → mail in the dev outbox → confirm with the token from the link.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, login, PASSWORD, signupOrg, testDb, uniqueEmail, uniqueIp, type Session, outbox } from '../../test/harness';
import worker from '../index';
import { auditLogs, passwordResets, users } from '../db/schema';

const { db } = testDb();
const NEW_PASSWORD = 'nova-senha-forte-456';
const SAME_ANSWER = { status: 'ok', message: 'If an account exists for this e-mail, a reset link was sent.' };


/** The token from the link of the newest reset mail to this address. */
async function resetToken(to: string): Promise<string> {
  const [mail] = (await outbox(to)).filter((m) => m.kind === 'password_reset');
  expect(mail, `no password_reset mail to ${to}`).toBeDefined();
  const link = mail!.text.match(/https?:\/\/\S+/)?.[0];
  expect(link, mail!.text).toBeDefined();
  const token = new URL(link!).searchParams.get('token');
  expect(token).toEqual(expect.any(String));
  return token!;
}

const requestReset = (email: string) => api('POST', '/api/v1/auth/password-reset/request', { body: { email } });
const confirmReset = (token: string, password: string) =>
  api('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password } });
const loginStatus = async (email: string, password: string) =>
  (await api('POST', '/api/v1/auth/login', { body: { email, password } })).status;

describe('password reset', () => {
  it('answers the same for a known and an unknown e-mail, and mails only the known one (in Portuguese)', async () => {
    const admin = await signupOrg('Reset Mail');
    const unknown = uniqueEmail('nobody');

    const known = await requestReset(admin.email);
    const missing = await requestReset(unknown);
    expect(known.status).toBe(202);
    expect(missing.status).toBe(202);
    expect(missing.body).toEqual(known.body);
    expect(known.body).toEqual(SAME_ANSWER);

    expect(await outbox(unknown)).toEqual([]);
    const mails = await outbox(admin.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: admin.email, kind: 'password_reset', subject: 'Redefina sua senha do Conversa' });
    const link = mails[0]!.text.match(/https?:\/\/\S+/)![0];
    expect(link).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{20,}$/);
    expect(mails[0]!.html).toContain(link);

    // The token is stored hashed, never in clear.
    const rows = await db.select().from(passwordResets).where(eq(passwordResets.userId, admin.userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toBe(new URL(link).searchParams.get('token'));
  });

  it('accepts the e-mail in any letter case', async () => {
    const admin = await signupOrg('Reset Caixa');
    expect((await requestReset(admin.email.toUpperCase())).status).toBe(202);
    expect(await outbox(admin.email)).toHaveLength(1);
  });

  it('changes the password, ends every session and refresh token, and is single-use', async () => {
    const admin = await signupOrg('Reset Fluxo');
    const second: Session = await login(admin.email, PASSWORD);
    expect((await requestReset(admin.email)).status).toBe(202);
    const token = await resetToken(admin.email);

    const done = await confirmReset(token, NEW_PASSWORD);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ status: 'ok' });

    // Old password refused, new one accepted.
    const old = await api('POST', '/api/v1/auth/login', { body: { email: admin.email, password: PASSWORD } });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('invalid_credentials');
    const fresh = await login(admin.email, NEW_PASSWORD);

    // Every login from before the reset has ended: access tokens and refresh tokens.
    for (const s of [admin, second]) {
      const me = await api('GET', '/api/v1/auth/me', { token: s.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('session_revoked');
      const refreshed = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
      expect(refreshed.status).toBe(401);
    }
    // The login made after the reset is fine.
    expect((await api('GET', '/api/v1/auth/me', { token: fresh.accessToken })).status).toBe(200);

    // Second use of the same link.
    const again = await confirmReset(token, 'outra-senha-789');
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
    expect(await loginStatus(admin.email, 'outra-senha-789')).toBe(401);
    expect(await loginStatus(admin.email, NEW_PASSWORD)).toBe(200);
  });

  it('audits the request and the reset', async () => {
    const admin = await signupOrg('Reset Auditoria');
    await requestReset(admin.email);
    await requestReset(uniqueEmail('ghost'));
    expect((await confirmReset(await resetToken(admin.email), NEW_PASSWORD)).status).toBe(200);
    const fresh = await login(admin.email, NEW_PASSWORD);

    for (const action of ['auth.password_reset_requested', 'auth.password_reset']) {
      const res = await api('GET', `/api/v1/audit-logs?action=${action}`, { token: fresh.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data, action).toHaveLength(1);
      expect(res.body.data[0]).toMatchObject({ action, actorUserId: admin.userId, targetType: 'user', targetId: admin.userId });
    }
  });

  it('refuses an expired link and leaves the password alone', async () => {
    const admin = await signupOrg('Reset Expirado');
    await requestReset(admin.email);
    const token = await resetToken(admin.email);
    await db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(passwordResets.userId, admin.userId));

    const res = await confirmReset(token, NEW_PASSWORD);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_token');
    expect(await loginStatus(admin.email, NEW_PASSWORD)).toBe(401);
    expect(await loginStatus(admin.email, PASSWORD)).toBe(200);
    // Sessions survive a failed attempt.
    expect((await api('GET', '/api/v1/auth/me', { token: admin.accessToken })).status).toBe(200);
  });

  it('refuses a too-short new password without spending the token', async () => {
    const admin = await signupOrg('Reset Curta');
    await requestReset(admin.email);
    const token = await resetToken(admin.email);

    const short = await confirmReset(token, 'curta');
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');
    expect(short.body.error.message).toMatch(/password/);
    expect(await loginStatus(admin.email, PASSWORD)).toBe(200);

    expect((await confirmReset(token, NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a token that was never issued', async () => {
    const res = await confirmReset('x'.repeat(43), NEW_PASSWORD);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_token', message: expect.any(String) } });
  });

  it('using the newest link kills the older outstanding ones', async () => {
    const admin = await signupOrg('Reset Dois Links');
    await requestReset(admin.email);
    const first = await resetToken(admin.email);
    await requestReset(admin.email);
    const second = await resetToken(admin.email);
    expect(second).not.toBe(first);

    expect((await confirmReset(second, NEW_PASSWORD)).status).toBe(200);
    const old = await confirmReset(first, 'mais-uma-senha-000');
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('invalid_token');
    const open = await db
      .select()
      .from(passwordResets)
      .where(and(eq(passwordResets.userId, admin.userId), isNull(passwordResets.usedAt)));
    expect(open).toEqual([]);
  });

  it('writes in English to a user whose locale is English', async () => {
    const admin = await signupOrg('Reset Inglês');
    await db.update(users).set({ locale: 'en' }).where(eq(users.id, admin.userId));
    await requestReset(admin.email);
    const [mail] = await outbox(admin.email);
    expect(mail?.subject).toBe('Reset your Conversa password');
  });

  it('does not audit a request for an unknown e-mail under any organisation', async () => {
    const ghost = uniqueEmail('ghost');
    await requestReset(ghost);
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.password_reset_requested'));
    expect(rows.some((r) => JSON.stringify(r.metadata).includes(ghost))).toBe(false);
  });
});

describe('password reset requests reveal nothing', () => {
  it('answer 202 the same for known and unknown e-mails without touching the database or the mail provider', async () => {
    const admin = await signupOrg('Reset Cego');
    // Database unreachable and mail provider down: the answer cannot depend on either, so it cannot tell accounts apart.
    const down = { ...env, DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/postgres', MAIL_PROVIDER: 'http', MAIL_API_BASE_URL: 'http://127.0.0.1:1', MAIL_API_KEY: 'x' };
    const ask = async (email: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request('http://conversa.test/api/v1/auth/password-reset/request', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
          body: JSON.stringify({ email }),
        }),
        down,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return { status: res.status, body: await res.text() };
    };
    const known = await ask(admin.email);
    const unknown = await ask(uniqueEmail('ninguem'));
    expect(known.status).toBe(202);
    expect(unknown).toEqual(known);
  });
});
