// The team directory: every colleague's name and role for any role, no e-mails, never another organisation's people.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, api, signupOrg, testDb } from '../../test/harness';
import { users } from '../db/schema';

describe('team directory', () => {
  it('any member, agents included, lists everyone in the organisation by name, without e-mails', async () => {
    const admin = await signupOrg('Diretório');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const nameless = await addMember(admin.orgId, 'agent');
    const { db } = testDb();
    // A member without a name (e.g. one who accepted an invitation before filling it) shows the e-mail's local part.
    await db.update(users).set({ name: null }).where(eq(users.id, nameless.userId));
    await db.update(users).set({ name: 'Zélia Souza' }).where(eq(users.id, manager.userId));
    await db.update(users).set({ name: 'bruno Lima' }).where(eq(users.id, agent.userId));
    const other = await signupOrg('Outra Empresa');
    await addMember(other.orgId, 'agent');

    // By name, case-insensitively: "Admin", "agent-…" (the local part), "bruno", "Zélia"; nobody has a tab open, so
    // everyone is offline whatever they chose.
    const expected = [
      { id: admin.userId, name: 'Admin Teste', role: 'tenant_admin', presence: 'offline', csat: { average: null, count: 0 } },
      { id: nameless.userId, name: nameless.email.split('@')[0], role: 'agent', presence: 'offline', csat: { average: null, count: 0 } },
      { id: agent.userId, name: 'bruno Lima', role: 'agent', presence: 'offline', csat: { average: null, count: 0 } },
      { id: manager.userId, name: 'Zélia Souza', role: 'manager', presence: 'offline', csat: { average: null, count: 0 } },
    ];
    expect(expected[1]!.name).toMatch(/^agent-/);
    for (const viewer of [agent, manager, admin]) {
      const res = await api('GET', '/api/v1/team', { token: viewer.accessToken });
      expect(res.status).toBe(200);
      // Colleagues' satisfaction ratings are for staff: an agent sees only their own.
      const seen = viewer === agent ? expected.map((m) => (m.id === agent.userId ? m : { ...m, csat: null })) : expected;
      expect(res.body).toEqual({ data: seen });
      expect(JSON.stringify(res.body)).not.toContain('@');
    }
  });

  it('another organisation sees only its own people; no token is a 401', async () => {
    const mine = await signupOrg('Minha Equipe');
    const colleague = await addMember(mine.orgId, 'agent');
    const stranger = await signupOrg('Equipe Alheia');
    const theirAgent = await addMember(stranger.orgId, 'agent');
    const res = await api('GET', '/api/v1/team', { token: theirAgent.accessToken });
    expect(res.status).toBe(200);
    const ids = res.body.data.map((m: { id: string }) => m.id);
    expect(ids.sort()).toEqual([stranger.userId, theirAgent.userId].sort());
    expect(ids).not.toContain(mine.userId);
    expect(ids).not.toContain(colleague.userId);
    expect((await api('GET', '/api/v1/team')).status).toBe(401);
  });
});
