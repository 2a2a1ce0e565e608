// Reports against a seeded scenario whose answers are worked out by hand (issue 20): three local days in São Paulo
// (UTC−3), two numbers — one with business hours — two agents, a department, notes and automatic messages that must
// not count, a conversation opened at 23:30 local time (the previous day in UTC terms is the right one), CSAT, deals.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { auditLogs, channels, contacts, conversations, csatResponses, deals, departments, messages, pipelineStages, pipelines, users } from '../db/schema';
import { DEFAULT_HOURS } from '../schemas/service-desk';
import * as fx from '../../queues/meta/fixtures';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';

const { db } = testDb();
const at = (iso: string) => new Date(iso);
const PERIOD = 'from=2026-03-02&to=2026-03-04';

interface Seeded {
  admin: Session;
  manager: Session;
  agent1: Session;
  agent2: Session;
  channelA: string;
  channelB: string;
  department: string;
  stages: string[];
}

async function seed(): Promise<Seeded> {
  const admin = await signupOrg('Relatórios');
  const orgId = admin.orgId;
  const [manager, agent1, agent2] = await Promise.all([addMember(orgId, 'manager'), addMember(orgId, 'agent'), addMember(orgId, 'agent')]);
  await db.update(users).set({ name: 'Ana Agente' }).where(eq(users.id, agent1.userId));
  await db.update(users).set({ name: 'Bruno Agente' }).where(eq(users.id, agent2.userId));
  const phone = () => `1${crypto.getRandomValues(new Uint32Array(1))[0]}`;
  // B is open Monday to Friday 09:00–18:00 in São Paulo (12:00–21:00 UTC).
  const [a, b] = await db
    .insert(channels)
    .values([
      { organizationId: orgId, provider: 'meta_cloud', name: 'A', phoneNumberId: phone() },
      { organizationId: orgId, provider: 'meta_cloud', name: 'B', phoneNumberId: phone(), businessHours: { ...DEFAULT_HOURS, enabled: true, week: [[], ...Array(5).fill([{ start: '09:00', end: '18:00' }]), []] } },
    ])
    .returning();
  const [dept] = await db.insert(departments).values({ organizationId: orgId, name: 'Vendas' }).returning();
  const people = await db
    .insert(contacts)
    .values(Array.from({ length: 6 }, (_, i) => ({ organizationId: orgId, waId: `55119${phone()}`, name: `Cliente ${i + 1}` })))
    .returning();

  /** A conversation, its customer's messages, then the replies (in that order, as they happen: the trigger looks). */
  async function conversation(o: {
    n: number;
    channel: string;
    assignee?: string;
    department?: string;
    created: string;
    resolved?: string;
    inbound: string[];
    outbound?: { at: string; automatic?: boolean; note?: boolean }[];
  }) {
    const [conv] = await db
      .insert(conversations)
      .values({
        organizationId: orgId,
        channelId: o.channel,
        contactId: people[o.n - 1]!.id,
        assigneeId: o.assignee ?? null,
        departmentId: o.department ?? null,
        status: o.resolved ? 'resolved' : 'open',
        resolvedAt: o.resolved ? at(o.resolved) : null,
        createdAt: at(o.created),
        lastInboundAt: at(o.inbound.at(-1)!),
      })
      .returning();
    await db.insert(messages).values(o.inbound.map((t) => ({ organizationId: orgId, conversationId: conv!.id, direction: 'inbound' as const, kind: 'text' as const, body: 'oi', status: 'received' as const, createdAt: at(t) })));
    for (const out of o.outbound ?? []) {
      await db.insert(messages).values({
        organizationId: orgId,
        conversationId: conv!.id,
        direction: 'outbound',
        kind: 'text',
        body: 'olá',
        status: 'sent',
        isPrivate: !!out.note,
        payload: out.automatic ? { automatic: 'hours' } : null,
        senderUserId: out.automatic ? null : (o.assignee ?? admin.userId),
        createdAt: at(out.at),
      });
    }
    // The activity trail: never counted.
    await db.insert(messages).values({ organizationId: orgId, conversationId: conv!.id, direction: 'outbound', kind: 'system', isPrivate: true, status: 'sent', payload: { activity: { type: 'status' } }, createdAt: at(o.created) });
    return conv!.id;
  }

  const c1 = await conversation({ n: 1, channel: a!.id, assignee: agent1.userId, created: '2026-03-02T12:00:00Z', resolved: '2026-03-02T13:00:00Z', inbound: ['2026-03-02T12:00:00Z', '2026-03-02T12:30:00Z'], outbound: [{ at: '2026-03-02T12:00:30Z', note: true }, { at: '2026-03-02T12:01:00Z' }] });
  const c2 = await conversation({ n: 2, channel: a!.id, assignee: agent1.userId, created: '2026-03-02T14:00:00Z', resolved: '2026-03-03T14:00:00Z', inbound: ['2026-03-02T14:00:00Z'], outbound: [{ at: '2026-03-02T14:05:00Z' }] });
  // 23:30 on Monday in São Paulo (02:30 UTC on Tuesday).
  await conversation({ n: 3, channel: a!.id, assignee: agent2.userId, created: '2026-03-03T02:30:00Z', inbound: ['2026-03-03T02:30:00Z'], outbound: [{ at: '2026-03-03T02:32:00Z' }] });
  // Tuesday 19:00 local, after hours on B: the automatic notice is no response; Wednesday 09:30 is (30 business minutes).
  const c4 = await conversation({ n: 4, channel: b!.id, assignee: agent2.userId, created: '2026-03-03T22:00:00Z', resolved: '2026-03-04T13:00:00Z', inbound: ['2026-03-03T22:00:00Z'], outbound: [{ at: '2026-03-03T22:00:05Z', automatic: true }, { at: '2026-03-04T12:30:00Z' }] });
  await conversation({ n: 5, channel: a!.id, department: dept!.id, created: '2026-03-04T15:00:00Z', inbound: ['2026-03-04T15:00:00Z'] });
  // Thursday 00:30 local: after the period.
  const c6 = await conversation({ n: 6, channel: a!.id, assignee: agent2.userId, created: '2026-03-05T03:30:00Z', inbound: ['2026-03-05T03:30:00Z'], outbound: [{ at: '2026-03-05T03:31:00Z' }] });

  const survey = (conversationId: string, agentId: string, rating: number | null, answered: string | null, channelId = a!.id) => ({
    organizationId: orgId, conversationId, agentId, channelId, rating, answeredAt: answered ? at(answered) : null, askedAt: at('2026-03-01T00:00:00Z'), expiresAt: at('2026-03-10T00:00:00Z'),
  });
  await db.insert(csatResponses).values([
    survey(c1, agent1.userId, 5, '2026-03-02T13:10:00Z'),
    survey(c2, agent1.userId, 4, '2026-03-03T14:10:00Z'),
    survey(c4, agent2.userId, 3, '2026-03-04T13:10:00Z', b!.id),
    survey(c6, agent2.userId, 1, '2026-03-06T12:00:00Z'),
  ]);

  const [pipeline] = await db.select().from(pipelines).where(eq(pipelines.organizationId, orgId));
  const stages = (await db.select().from(pipelineStages).where(eq(pipelineStages.pipelineId, pipeline!.id))).sort((x, y) => x.position - y.position).map((s) => s.id);
  const deal = (o: Partial<typeof deals.$inferInsert>) => ({ organizationId: orgId, pipelineId: pipeline!.id, stageId: stages[0]!, title: 'Negócio', ...o });
  await db.insert(deals).values([
    deal({ status: 'won', valueCents: 150_000, closedAt: at('2026-03-02T15:00:00Z'), ownerId: agent1.userId, conversationId: c1 }),
    deal({ status: 'won', valueCents: 50_000, closedAt: at('2026-03-05T12:00:00Z'), ownerId: agent1.userId }),
    deal({ status: 'lost', valueCents: 20_000, closedAt: at('2026-03-04T20:00:00Z'), ownerId: agent2.userId, conversationId: c4 }),
    deal({ valueCents: 30_000, ownerId: agent1.userId, conversationId: c2 }),
    deal({ valueCents: 70_000, stageId: stages[1]!, ownerId: agent2.userId, conversationId: c4 }),
    deal({ valueCents: 10_000, ownerId: agent2.userId }),
    deal({ valueCents: 999_000, deletedAt: at('2026-03-03T00:00:00Z') }),
  ]);
  return { admin, manager, agent1, agent2, channelA: a!.id, channelB: b!.id, department: dept!.id, stages };
}

let s: Seeded;
beforeAll(async () => {
  s = await seed();
});

const get = async (path: string, who?: Session) => {
  const res = await api('GET', `/api/v1/reports/${path}`, { token: (who ?? s.manager).accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('reports: the numbers of a known scenario', () => {
  it('conversations opened and resolved per local day', async () => {
    const body = await get(`conversations?${PERIOD}`);
    expect(body.period).toEqual({ from: '2026-03-02', to: '2026-03-04', timeZone: 'America/Sao_Paulo' });
    expect(body.days).toEqual([
      { date: '2026-03-02', opened: 3, resolved: 1 },
      { date: '2026-03-03', opened: 1, resolved: 1 },
      { date: '2026-03-04', opened: 1, resolved: 1 },
    ]);
    expect(body.totals).toEqual({ opened: 5, resolved: 3 });
  });

  it('messages in and out per day, without notes, the activity trail or what falls outside the period', async () => {
    const body = await get(`messages?${PERIOD}`);
    expect(body.days).toEqual([
      { date: '2026-03-02', inbound: 4, outbound: 3 },
      { date: '2026-03-03', inbound: 1, outbound: 1 },
      { date: '2026-03-04', inbound: 1, outbound: 1 },
    ]);
    expect(body.totals).toEqual({ inbound: 6, outbound: 5 });
  });

  it('first response and resolution: median and p90, business hours on the number that has them', async () => {
    const body = await get(`response-times?${PERIOD}`);
    // First responses 60, 300, 120 s (A, wall clock) and 1,800 s (B: 19:00 → 09:30 next day, open from 09:00).
    expect(body.firstResponse).toEqual({ count: 4, medianSeconds: 210, p90Seconds: 1350 });
    // Resolutions 3,600 and 86,400 s (A) and 3,600 s (B: 19:00 → 10:00 next day is one business hour).
    expect(body.resolution).toEqual({ count: 3, medianSeconds: 3600, p90Seconds: 69840 });
    expect(body.businessHours).toBe(true);
    const onA = await get(`response-times?${PERIOD}&channelId=${s.channelA}`);
    expect(onA.firstResponse).toEqual({ count: 3, medianSeconds: 120, p90Seconds: 264 });
    expect(onA.businessHours).toBe(false);
  });

  it('busiest hours: customers’ messages by local weekday and hour', async () => {
    const body = await get(`busiest-hours?${PERIOD}`);
    expect(body.cells).toHaveLength(168);
    const nonZero = body.cells.filter((c: { messages: number }) => c.messages > 0);
    expect(nonZero).toEqual([
      { weekday: 1, hour: 9, messages: 2 },
      { weekday: 1, hour: 11, messages: 1 },
      { weekday: 1, hour: 23, messages: 1 },
      { weekday: 2, hour: 19, messages: 1 },
      { weekday: 3, hour: 12, messages: 1 },
    ]);
    expect(body.max).toBe(2);
  });

  it('per agent: conversations, medians and CSAT answered in the period', async () => {
    const body = await get(`agents?${PERIOD}`);
    expect(body.agents).toEqual([
      { agentId: s.agent1.userId, name: 'Ana Agente', conversations: 2, resolved: 2, medianFirstResponseSeconds: 180, medianResolutionSeconds: 45000, csatAverage: 4.5, csatCount: 2 },
      { agentId: s.agent2.userId, name: 'Bruno Agente', conversations: 2, resolved: 1, medianFirstResponseSeconds: 960, medianResolutionSeconds: 3600, csatAverage: 3, csatCount: 1 },
    ]);
  });

  it('deals won and lost in the period, open value per stage', async () => {
    const body = await get(`deals?${PERIOD}`);
    expect(body.currency).toBe('BRL');
    expect(body.won).toEqual({ count: 1, valueCents: 150_000 });
    expect(body.lost).toEqual({ count: 1, valueCents: 20_000 });
    const byStage = new Map(body.stages.map((x: { stageId: string; openDeals: number; valueCents: number }) => [x.stageId, [x.openDeals, x.valueCents]]));
    expect(byStage.get(s.stages[0])).toEqual([2, 40_000]);
    expect(byStage.get(s.stages[1])).toEqual([1, 70_000]);
    expect(body.stages.length).toBe(s.stages.length);
    for (const id of s.stages.slice(2)) expect(byStage.get(id)).toEqual([0, 0]);

    const mine = await get(`deals?${PERIOD}&agentId=${s.agent1.userId}`);
    expect([mine.won, mine.lost]).toEqual([{ count: 1, valueCents: 150_000 }, { count: 0, valueCents: 0 }]);
    expect(mine.stages.find((x: { stageId: string }) => x.stageId === s.stages[0]).valueCents).toBe(30_000);
    const onB = await get(`deals?${PERIOD}&channelId=${s.channelB}`);
    expect([onB.won.count, onB.lost.count]).toEqual([0, 1]);
    expect(onB.stages.find((x: { stageId: string }) => x.stageId === s.stages[1]).valueCents).toBe(70_000);
  });

  it('filters: a channel, a department, an agent', async () => {
    const onB = await get(`conversations?${PERIOD}&channelId=${s.channelB}`);
    expect(onB.days.map((d: { opened: number }) => d.opened)).toEqual([0, 1, 0]);
    const msgsB = await get(`messages?${PERIOD}&channelId=${s.channelB}`);
    expect(msgsB.totals).toEqual({ inbound: 1, outbound: 2 });
    const dept = await get(`conversations?${PERIOD}&departmentId=${s.department}`);
    expect(dept.totals).toEqual({ opened: 1, resolved: 0 });
    const ana = await get(`conversations?${PERIOD}&agentId=${s.agent1.userId}`);
    expect(ana.days).toEqual([
      { date: '2026-03-02', opened: 2, resolved: 1 },
      { date: '2026-03-03', opened: 0, resolved: 1 },
      { date: '2026-03-04', opened: 0, resolved: 0 },
    ]);
    const agents = await get(`agents?${PERIOD}&agentId=${s.agent2.userId}`);
    expect(agents.agents.map((a: { agentId: string }) => a.agentId)).toEqual([s.agent2.userId]);
    const heat = await get(`busiest-hours?${PERIOD}&agentId=${s.agent2.userId}`);
    expect(heat.cells.filter((c: { messages: number }) => c.messages > 0)).toEqual([
      { weekday: 1, hour: 23, messages: 1 },
      { weekday: 2, hour: 19, messages: 1 },
    ]);
  });

  it('CSV: the same numbers as a file', async () => {
    const res = await api('GET', `/api/v1/reports/conversations?${PERIOD}&format=csv`, { token: s.admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('relatorio-conversations-2026-03-02-2026-03-04.csv');
    expect(res.body).toBe('date,opened,resolved\r\n2026-03-02,3,1\r\n2026-03-03,1,1\r\n2026-03-04,1,1\r\n');
    for (const name of ['messages', 'response-times', 'busiest-hours', 'agents', 'deals']) {
      const r = await api('GET', `/api/v1/reports/${name}?${PERIOD}&format=csv`, { token: s.manager.accessToken });
      expect(r.status, name).toBe(200);
      expect(r.headers.get('content-type'), name).toContain('text/csv');
    }
    const agents = await api('GET', `/api/v1/reports/agents?${PERIOD}&format=csv`, { token: s.manager.accessToken });
    expect(agents.body).toContain(`${s.agent1.userId},Ana Agente,2,2,180,45000,4.5,2\r\n`);
    const dealsCsv = await api('GET', `/api/v1/reports/deals?${PERIOD}&format=csv`, { token: s.manager.accessToken });
    expect(dealsCsv.body).toContain('won,,,1,1500.00\r\n');
  });
});

describe('reports: who may read them', () => {
  it('managers and admins may; agents get 403', async () => {
    for (const name of ['conversations', 'messages', 'response-times', 'busiest-hours', 'agents', 'deals']) {
      const res = await api('GET', `/api/v1/reports/${name}?${PERIOD}`, { token: s.agent1.accessToken });
      expect(res.status, name).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await api('GET', `/api/v1/reports/agents?${PERIOD}`, { token: s.admin.accessToken })).status).toBe(200);
    expect((await api('GET', `/api/v1/reports/agents?${PERIOD}`)).status).toBe(401);
  });

  it('another organisation’s channel, department or member is a 404, and the attempt is audited', async () => {
    const other = await signupOrg('Outra Loja');
    for (const [param, id, kind] of [
      ['channelId', s.channelA, 'channel'],
      ['departmentId', s.department, 'department'],
      ['agentId', s.agent1.userId, 'member'],
    ] as const) {
      const res = await api('GET', `/api/v1/reports/conversations?${PERIOD}&${param}=${id}`, { token: other.accessToken });
      expect(res.status, param).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Relatórios');
      const audit = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, other.orgId), eq(auditLogs.action, 'security.cross_tenant_attempt'), eq(auditLogs.targetId, id)));
      expect(audit.map((a) => a.targetType), param).toEqual([kind]);
    }
    // Their own (empty) reports answer with zeros.
    const own = await api('GET', `/api/v1/reports/messages?${PERIOD}`, { token: other.accessToken });
    expect(own.body.totals).toEqual({ inbound: 0, outbound: 0 });
  });

  it('a period must be real dates, in order, of at most 400 days', async () => {
    for (const q of ['from=2026-03-05&to=2026-03-04', 'from=2026-02-30&to=2026-03-04', 'from=2025-01-01&to=2026-03-04', 'to=2026-03-04', `${PERIOD}&channelId=nope`]) {
      const res = await api('GET', `/api/v1/reports/conversations?${q}`, { token: s.manager.accessToken });
      expect(res.status, q).toBe(400);
    }
  });
});

describe('first response bookkeeping', () => {
  it('the first reply sent through the API after the customer wrote is kept on the conversation; notes are not replies', async () => {
    const admin = await signupOrg('Primeira Resposta');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Bom dia', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const row = async () => (await db.select().from(conversations).where(eq(conversations.id, conv.id)))[0]!;
    const send = (body: unknown) => api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body });
    expect((await send({ type: 'note', text: 'ver depois' })).status).toBe(202);
    expect((await row()).firstResponseAt).toBeNull();
    const reply = await send({ type: 'text', text: 'Olá! Como posso ajudar?' });
    expect(reply.status).toBe(202);
    const first = await row();
    expect(first.firstResponseAt?.toISOString()).toBe(reply.body.message.createdAt);
    expect(first.firstInboundAt).not.toBeNull();
    expect(first.firstInboundAt!.getTime()).toBeLessThanOrEqual(first.firstResponseAt!.getTime());
    // Kept as a duration too (this number has no business hours: wall-clock seconds).
    expect(first.firstResponseSeconds).toBeCloseTo((first.firstResponseAt!.getTime() - first.firstInboundAt!.getTime()) / 1000, 3);
    expect((await send({ type: 'text', text: 'Mais uma' })).status).toBe(202);
    expect((await row()).firstResponseAt).toEqual(first.firstResponseAt);
    // Resolving records how long it took from opening.
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { status: 'resolved' } })).status).toBe(200);
    const resolved = await row();
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.resolutionSeconds).toBeCloseTo((resolved.resolvedAt!.getTime() - resolved.createdAt.getTime()) / 1000, 3);

    // The reports (from yesterday to today, so midnight cannot split it): the customer's message and the two replies (the note is no traffic).
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date(ms));
    const recent = `from=${day(Date.now() - 86_400_000)}&to=${day(Date.now())}`;
    const report = await api('GET', `/api/v1/reports/messages?${recent}`, { token: admin.accessToken });
    expect(report.body.totals).toEqual({ inbound: 1, outbound: 2 });
    const times = await api('GET', `/api/v1/reports/response-times?${recent}`, { token: admin.accessToken });
    expect(times.body.firstResponse.count).toBe(1);
    expect(times.body.resolution.count).toBe(1);
  });
});
