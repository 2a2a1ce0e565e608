// Issue 17 §4: a department's queue handed out round-robin among members who are online (chosen, and a tab open)
// and under the cap; offline once the last tab closes; unanswered ones go back to the queue.
import { env } from 'cloudflare:test';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connect } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { conversations } from '../db/schema';
import { assignQueues } from '../jobs/auto-assign';
import { createLogger } from '../lib/log';
import { DEFAULT_BOT } from '../schemas/service-desk';

const log = createLogger({}, 'silent');

describe('auto-assignment', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  async function setup(dep: Record<string, unknown>) {
    const admin = await signupOrg('Fila Automática');
    const ch = await connectChannel(admin);
    const [bia, caio, dani, eva] = await Promise.all(['agent', 'agent', 'agent', 'agent'].map(() => addMember(admin.orgId, 'agent')));
    const created = await api('POST', '/api/v1/departments', {
      token: admin.accessToken,
      body: { name: 'Suporte', memberIds: [bia!.userId, caio!.userId, dani!.userId, eva!.userId], autoAssign: true, ...dep },
    });
    expect(created.status).toBe(201);
    const departmentId = created.body.department.id as string;
    expect(
      (await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { bot: { ...DEFAULT_BOT, enabled: true, options: [{ label: 'Suporte', departmentId }] } } })).status,
    ).toBe(200);
    const online = async (s: Session) => connect(s, '/api/v1/inbox/ws');
    /** A customer who writes and taps "Suporte": routed into the queue. */
    const customerRouted = async () => {
      const from = customerNumber();
      const o = () => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(), id: fx.wamid() });
      await postWebhook(fx.textMessage('Oi', o()));
      const conv = await conversationOf(admin, from);
      await eventually(async () => (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.botActive);
      await postWebhook(fx.buttonReplyMessage('menu:0', 'Suporte', o()));
      await eventually(async () => (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.departmentId === departmentId);
      return conv.id as string;
    };
    const assignee = async (id: string) => (await db.select({ a: conversations.assigneeId }).from(conversations).where(eq(conversations.id, id)))[0]!.a;
    return { admin, bia: bia!, caio: caio!, dani: dani!, eva: eva!, departmentId, online, customerRouted, assignee };
  }

  it('hands the queue out in turns to members online and under the cap; away and offline members get none', async () => {
    const { admin, bia, caio, dani, eva, online, customerRouted, assignee } = await setup({ maxOpenPerAgent: 2 });
    const sockets = [await online(bia), await online(caio), await online(dani)];
    expect((await api('PUT', '/api/v1/presence', { token: dani.accessToken, body: { presence: 'away' } })).status).toBe(200);
    // Eva is "online" by choice but has no tab open: offline in the team list.
    const team = (await api('GET', '/api/v1/team', { token: admin.accessToken })).body.data as { id: string; presence: string }[];
    expect(Object.fromEntries(team.filter((m) => [bia, caio, dani, eva].some((s) => s.userId === m.id)).map((m) => [m.id, m.presence]))).toEqual({
      [bia.userId]: 'online',
      [caio.userId]: 'online',
      [dani.userId]: 'away',
      [eva.userId]: 'offline',
    });

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await customerRouted());
      // Routed → assigned at once (no waiting for the cron) while someone has room.
      if (i < 4) await eventually(async () => (await assignee(ids[i]!)) !== null);
    }
    const owners = await Promise.all(ids.map(assignee));
    // Fair: two each, alternating; the fifth waits (both at the cap of 2); Dani (away) and Eva (offline) none.
    expect(owners.slice(0, 4).filter((o) => o === bia.userId)).toHaveLength(2);
    expect(owners.slice(0, 4).filter((o) => o === caio.userId)).toHaveLength(2);
    expect(owners[0]).not.toBe(owners[1]);
    expect(owners[4]).toBeNull();
    expect(owners).not.toContain(dani.userId);
    expect(owners).not.toContain(eva.userId);
    // The assignee was notified, and the trail says the queue gave it.
    const notes = (await api('GET', '/api/v1/notifications', { token: bia.accessToken })).body.data as { kind: string }[];
    expect(notes.filter((n) => n.kind === 'assigned').length).toBe(2);

    // Bia closes her last tab (offline) and Caio resolves one: the next run gives the fifth to Caio, not to Bia.
    sockets[0]!.close();
    await eventually(async () => !(await api('GET', '/api/v1/team', { token: admin.accessToken })).body.data.some((m: any) => m.id === bia.userId && m.presence !== 'offline'));
    const caios = ids.slice(0, 4).filter((_, i) => owners[i] === caio.userId);
    expect((await api('PATCH', `/api/v1/conversations/${caios[0]}`, { token: caio.accessToken, body: { status: 'resolved' } })).status).toBe(200);
    expect(await assignQueues(env, db, admin.orgId, log)).toBe(1);
    expect(await assignee(ids[4]!)).toBe(caio.userId);
    for (const s of sockets.slice(1)) s.close();
  });

  it('an automatically assigned conversation nobody answered in time goes back to the queue, to someone else', async () => {
    const { admin, bia, caio, online, customerRouted, assignee } = await setup({ maxOpenPerAgent: 5, requeueAfterMinutes: 10 });
    const sockets = [await online(bia), await online(caio)];
    const first = await customerRouted();
    const second = await customerRouted();
    await eventually(async () => (await assignee(first)) !== null && (await assignee(second)) !== null);
    const [a1, a2] = [await assignee(first), await assignee(second)];
    expect(a1).not.toBe(a2);
    // The owner of the second answers; the first one's owner does not.
    const answerer = a2 === bia.userId ? bia : caio;
    expect((await api('POST', `/api/v1/conversations/${second}/messages`, { token: answerer.accessToken, body: { type: 'text', text: 'Olá! Já vejo isso.' } })).status).toBe(202);

    // Nine minutes on: nothing moves. Eleven: the unanswered one goes to the other member.
    expect(await assignQueues(env, db, admin.orgId, log, new Date(Date.now() + 9 * 60_000))).toBe(0);
    expect(await assignee(first)).toBe(a1);
    await assignQueues(env, db, admin.orgId, log, new Date(Date.now() + 11 * 60_000));
    expect(await assignee(first)).toBe(a2);
    expect(await assignee(second)).toBe(a2);
    const unassignedLeft = await db.select().from(conversations).where(and(eq(conversations.organizationId, admin.orgId), isNull(conversations.assigneeId)));
    expect(unassignedLeft).toHaveLength(0);
    for (const s of sockets) s.close();
  });
});
