// Invitations: an admin invites an e-mail with a role; the person looks the link up and accepts it, as a new
// account (with a name) or as an existing one (with its own password).
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, API_CLIENT, api, login, PASSWORD, signupOrg, testDb, uniqueEmail, type Session, outbox, type OutboxMail } from '../../test/harness';
import { invitations, type Role } from '../db/schema';

const { db } = testDb();


function tokenOf(mail: OutboxMail): string {
  const link = mail.text.match(/https?:\/\/\S+/)?.[0];
  expect(link, mail.text).toBeDefined();
  return new URL(link!).searchParams.get('token')!;
}

/** Invites through the API and returns the invitation and the token from the newest mail. */
async function invite(admin: Session, email: string, role: Role) {
  const res = await api('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const [mail] = await outbox(email);
  expect(mail).toBeDefined();
  return { invitation: res.body.invitation as { id: string; email: string; role: Role }, token: tokenOf(mail!), mail: mail! };
}

const lookup = (token: string) => api('GET', `/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
const accept = (body: { token: string; password: string; name?: string }) => api('POST', '/api/v1/invitations/accept', { body, headers: API_CLIENT });

async function auditOf(admin: Session, action: string) {
  const res = await api('GET', `/api/v1/audit-logs?action=${action}`, { token: admin.accessToken });
  expect(res.status).toBe(200);
  return res.body.data as { action: string; actorUserId: string; targetId: string; metadata: Record<string, unknown> }[];
}

describe('invitations', () => {
  it('an admin invites; the mail links to the acceptance page; lookup shows what the person joins', async () => {
    const admin = await signupOrg('Loja Convite');
    const email = uniqueEmail('convidada');
    const res = await api('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email: email.toUpperCase(), role: 'manager' } });
    expect(res.status).toBe(201);
    expect(res.body.invitation).toMatchObject({ id: expect.any(String), email, role: 'manager', invitedBy: admin.userId });
    expect(res.body.invitation).not.toHaveProperty('tokenHash');
    expect(new Date(res.body.invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const mails = await outbox(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: email, kind: 'invitation' });
    expect(mails[0]!.subject).toContain('Loja Convite');
    expect(mails[0]!.text).toMatch(/\/accept-invite\?token=/);
    const token = tokenOf(mails[0]!);

    const seen = await lookup(token);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      email,
      role: 'manager',
      organization: { id: admin.orgId, name: 'Loja Convite' },
      accountExists: false,
    });
  });

  it('a new person accepts with a name and is logged in with the invited role', async () => {
    const admin = await signupOrg('Loja Nova Pessoa');
    const email = uniqueEmail('novo');
    const { token } = await invite(admin, email, 'agent');

    // A new account needs a name; the attempt does not use the invitation up.
    const nameless = await accept({ token, password: PASSWORD });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.code).toBe('validation_failed');

    const res = await accept({ token, password: PASSWORD, name: 'Ana Nova' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { email, name: 'Ana Nova' },
      organization: { id: admin.orgId, role: 'agent' },
    });
    expect(res.headers.get('set-cookie')).toMatch(/conversa_refresh=/);
    const me = await api('GET', '/api/v1/auth/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'agent', organization: { id: admin.orgId } });
    // An agent: not an admin.
    expect((await api('GET', '/api/v1/members', { token: res.body.accessToken })).status).toBe(403);
    // The chosen password works for a normal log-in.
    expect((await login(email, PASSWORD)).orgId).toBe(admin.orgId);

    // Used once: accepting or looking it up again fails.
    const twice = await accept({ token, password: PASSWORD, name: 'Ana Nova' });
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('invitation_not_found');
    expect((await lookup(token)).status).toBe(404);
  });

  it('a revoked invitation cannot be looked up or accepted', async () => {
    const admin = await signupOrg('Loja Revoga');
    const email = uniqueEmail('revogado');
    const { invitation, token } = await invite(admin, email, 'agent');
    expect((await api('DELETE', `/api/v1/invitations/${invitation.id}`, { token: admin.accessToken })).status).toBe(204);

    const seen = await lookup(token);
    expect(seen.status).toBe(404);
    expect(seen.body.error.code).toBe('invitation_not_found');
    const res = await accept({ token, password: PASSWORD, name: 'Revogado' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('invitation_not_found');
    expect((await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).status).toBe(401);
  });

  it('an expired invitation cannot be looked up or accepted', async () => {
    const admin = await signupOrg('Loja Expira');
    const email = uniqueEmail('expirado');
    const { invitation, token } = await invite(admin, email, 'agent');
    await db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, invitation.id));

    expect((await lookup(token)).status).toBe(404);
    const res = await accept({ token, password: PASSWORD, name: 'Expirado' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('invitation_not_found');
  });

  it('inviting someone who is already a member is a 409', async () => {
    const admin = await signupOrg('Loja Membro');
    const agent = await addMember(admin.orgId, 'agent');
    for (const email of [agent.email, agent.email.toUpperCase(), admin.email]) {
      const res = await api('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email, role: 'manager' } });
      expect(res.status, email).toBe(409);
      expect(res.body.error.code).toBe('already_member');
    }
    expect(await outbox(agent.email)).toEqual([]);
  });

  it('re-inviting the same e-mail replaces the pending invitation', async () => {
    const admin = await signupOrg('Loja Reconvite');
    const email = uniqueEmail('reconvite');
    const first = await invite(admin, email, 'agent');
    const second = await invite(admin, email, 'manager');
    expect(second.token).not.toBe(first.token);

    expect((await lookup(first.token)).status).toBe(404);
    const stale = await accept({ token: first.token, password: PASSWORD, name: 'Velho' });
    expect(stale.status).toBe(404);
    expect(stale.body.error.code).toBe('invitation_not_found');

    const pending = await api('GET', '/api/v1/invitations', { token: admin.accessToken });
    expect(pending.body.data.filter((i: { email: string }) => i.email === email)).toEqual([
      expect.objectContaining({ id: second.invitation.id, role: 'manager' }),
    ]);

    const ok = await accept({ token: second.token, password: PASSWORD, name: 'Novo' });
    expect(ok.status).toBe(201);
    expect(ok.body.organization).toMatchObject({ id: admin.orgId, role: 'manager' });
  });

  it('a person with an account elsewhere accepts with their own password', async () => {
    const admin = await signupOrg('Loja Destino');
    const other = await signupOrg('Loja Origem');
    const { token } = await invite(admin, other.email, 'manager');

    const seen = await lookup(token);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ email: other.email, accountExists: true, role: 'manager' });

    // Wrong password: refused, and the invitation is still there to use.
    const wrong = await accept({ token, password: 'nao-e-a-senha-dela' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect((await lookup(token)).status).toBe(200);

    const ok = await accept({ token, password: PASSWORD });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.user.id).toBe(other.userId);
    expect(ok.body.organization).toMatchObject({ id: admin.orgId, role: 'manager' });
    expect(ok.body.organizations.map((o: { id: string }) => o.id).sort()).toEqual([admin.orgId, other.orgId].sort());

    // Their password did not change, their own organisation and session are untouched.
    expect(await api('POST', '/api/v1/auth/login', { body: { email: other.email, password: 'nao-e-a-senha-dela' } })).toMatchObject({ status: 401 });
    expect((await login(other.email, PASSWORD, admin.orgId)).orgId).toBe(admin.orgId);
    const home = await api('GET', '/api/v1/auth/me', { token: other.accessToken });
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({ role: 'tenant_admin', organization: { id: other.orgId } });

    const members = await api('GET', '/api/v1/members', { token: admin.accessToken });
    expect(members.body.data.find((m: { userId: string }) => m.userId === other.userId)).toMatchObject({ role: 'manager' });
  });

  it('the listing shows only pending invitations', async () => {
    const admin = await signupOrg('Loja Lista');
    const pending = await invite(admin, uniqueEmail('pendente'), 'agent');
    const revoked = await invite(admin, uniqueEmail('revogado'), 'agent');
    const accepted = await invite(admin, uniqueEmail('aceito'), 'agent');
    const expired = await invite(admin, uniqueEmail('expirado'), 'manager');
    expect((await api('DELETE', `/api/v1/invitations/${revoked.invitation.id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await accept({ token: accepted.token, password: PASSWORD, name: 'Aceito' })).status).toBe(201);
    await db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.invitation.id));
    // Another organisation's invitation never shows up.
    const elsewhere = await signupOrg('Loja Vizinha');
    await invite(elsewhere, uniqueEmail('vizinho'), 'agent');

    const res = await api('GET', '/api/v1/invitations', { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toEqual([
      {
        id: pending.invitation.id,
        email: pending.invitation.email,
        role: 'agent',
        expiresAt: expect.any(String),
        createdAt: expect.any(String),
        invitedBy: admin.userId,
      },
    ]);
  });

  it('audits member.invited and member.joined', async () => {
    const admin = await signupOrg('Loja Auditada');
    const email = uniqueEmail('auditado');
    const { invitation, token } = await invite(admin, email, 'manager');
    const joined = await accept({ token, password: PASSWORD, name: 'Auditado' });
    expect(joined.status).toBe(201);

    const invited = await auditOf(admin, 'member.invited');
    expect(invited).toHaveLength(1);
    expect(invited[0]).toMatchObject({ actorUserId: admin.userId, targetId: invitation.id, metadata: { email, role: 'manager' } });
    const joins = await auditOf(admin, 'member.joined');
    expect(joins).toHaveLength(1);
    expect(joins[0]).toMatchObject({ actorUserId: joined.body.user.id, targetId: invitation.id, metadata: { email, role: 'manager' } });
  });

  it('an invitation from one organisation never lets the person into another', async () => {
    const a = await signupOrg('Loja A');
    const b = await signupOrg('Loja B');
    const { token } = await invite(a, uniqueEmail('so-a'), 'agent');
    const res = await accept({ token, password: PASSWORD, name: 'Só A' });
    expect(res.status).toBe(201);
    expect(res.body.organizations.map((o: { id: string }) => o.id)).toEqual([a.orgId]);
    const inB = await api('POST', '/api/v1/auth/switch-organization', { token: res.body.accessToken, body: { organizationId: b.orgId } });
    expect(inB.status).toBe(404);
  });
});
