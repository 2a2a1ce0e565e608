// Pipelines and deals: the default pipeline, stage management, deals in cents with stage history on every move,
// won/lost with reason, list filters with totals per stage, the board event, and tenant and role rules.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, type Session } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { dealBoardEvent } from '../domain/deals';
import { DEFAULT_STAGES } from '../domain/pipelines';

const post = (s: Session, path: string, body: unknown) => api('POST', path, { token: s.accessToken, body });
const patch = (s: Session, path: string, body: unknown) => api('PATCH', path, { token: s.accessToken, body });
const get = (s: Session, path: string) => api('GET', path, { token: s.accessToken });
const del = (s: Session, path: string) => api('DELETE', path, { token: s.accessToken });

interface Pipeline {
  id: string;
  name: string;
  isDefault: boolean;
  stages: { id: string; name: string; position: number; probability: number | null }[];
}
async function defaultPipeline(s: Session): Promise<Pipeline> {
  const res = await get(s, '/api/v1/pipelines');
  expect(res.status).toBe(200);
  return res.body.data.find((p: Pipeline) => p.isDefault);
}
async function createDeal(s: Session, body: Record<string, unknown>) {
  const res = await post(s, '/api/v1/deals', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.deal;
}

describe('pipelines', () => {
  it('every organisation starts with the default sales pipeline, in stage order', async () => {
    const admin = await signupOrg('Funil');
    const agent = await addMember(admin.orgId, 'agent');
    const pipeline = await defaultPipeline(agent);
    expect(pipeline).toMatchObject({ name: 'Vendas', isDefault: true });
    expect(pipeline.stages.map((s) => s.name)).toEqual(DEFAULT_STAGES);
    expect(pipeline.stages.map((s) => s.position)).toEqual([0, 1, 2, 3, 4]);
  });

  it('admins and managers create, rename, reorder and remove pipelines and stages', async () => {
    const admin = await signupOrg('Funis');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const body = { name: 'Pós-venda', stages: [{ name: 'Aberto' }, { name: 'Em andamento', probability: 50 }, { name: 'Concluído', probability: 100 }] };
    expect((await post(agent, '/api/v1/pipelines', body)).status).toBe(403);
    const created = await post(manager, '/api/v1/pipelines', body);
    expect(created.status).toBe(201);
    const p: Pipeline = created.body.pipeline;
    expect(p).toMatchObject({ name: 'Pós-venda', isDefault: false });
    expect(p.stages.map((s) => [s.name, s.position, s.probability])).toEqual([['Aberto', 0, null], ['Em andamento', 1, 50], ['Concluído', 2, 100]]);
    for (const bad of [{ name: 'x', stages: [] }, { name: '', stages: [{ name: 'a' }] }, { name: 'x', stages: [{ name: 'a', probability: 101 }] }]) {
      expect((await post(manager, '/api/v1/pipelines', bad)).status, JSON.stringify(bad)).toBe(400);
    }

    const added = await post(manager, `/api/v1/pipelines/${p.id}/stages`, { name: 'Aguardando cliente', position: 1 });
    expect(added.status).toBe(201);
    const names = (x: Pipeline) => x.stages.map((s) => s.name);
    expect(names(added.body.pipeline)).toEqual(['Aberto', 'Aguardando cliente', 'Em andamento', 'Concluído']);
    const ids: string[] = added.body.pipeline.stages.map((s: { id: string }) => s.id);
    const reordered = await api('PUT', `/api/v1/pipelines/${p.id}/stages/order`, { token: manager.accessToken, body: { stageIds: [ids[0], ids[2], ids[1], ids[3]] } });
    expect(names(reordered.body.pipeline)).toEqual(['Aberto', 'Em andamento', 'Aguardando cliente', 'Concluído']);
    const badOrder = await api('PUT', `/api/v1/pipelines/${p.id}/stages/order`, { token: manager.accessToken, body: { stageIds: [ids[0], ids[1]] } });
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.error.code).toBe('invalid_stage_order');
    expect((await patch(manager, `/api/v1/pipelines/${p.id}/stages/${ids[1]}`, { name: 'Esperando', probability: 20 })).body.pipeline.stages[2]).toMatchObject({ name: 'Esperando', probability: 20 });
    expect((await patch(manager, `/api/v1/pipelines/${p.id}`, { name: 'Pós-venda 2' })).body.pipeline.name).toBe('Pós-venda 2');

    // A stage with a deal stays; an empty one goes (the order closes up).
    await createDeal(agent, { title: 'Chamado', stageId: ids[2] });
    const busy = await del(manager, `/api/v1/pipelines/${p.id}/stages/${ids[2]}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('stage_not_empty');
    expect((await del(manager, `/api/v1/pipelines/${p.id}/stages/${ids[1]}`)).status).toBe(204);
    const after = (await get(agent, `/api/v1/pipelines/${p.id}`)).body.pipeline;
    expect(after.stages.map((s: { name: string; position: number }) => [s.name, s.position])).toEqual([['Aberto', 0], ['Em andamento', 1], ['Concluído', 2]]);

    // The default pipeline cannot be deleted until another is the default; one with deals cannot be deleted at all.
    const vendas = await defaultPipeline(admin);
    expect((await del(admin, `/api/v1/pipelines/${vendas.id}`)).body.error.code).toBe('default_pipeline');
    expect((await patch(admin, `/api/v1/pipelines/${p.id}`, { isDefault: true })).body.pipeline.isDefault).toBe(true);
    expect((await defaultPipeline(admin)).id).toBe(p.id);
    expect((await del(admin, `/api/v1/pipelines/${p.id}`)).body.error.code).toBe('default_pipeline');
    const empty = await post(admin, '/api/v1/pipelines', { name: 'Vazio', stages: [{ name: 'Único' }] });
    expect((await del(admin, `/api/v1/pipelines/${empty.body.pipeline.id}/stages/${empty.body.pipeline.stages[0].id}`)).body.error.code).toBe('last_stage');
    expect((await del(admin, `/api/v1/pipelines/${empty.body.pipeline.id}`)).status).toBe(204);
    expect((await get(admin, `/api/v1/pipelines/${empty.body.pipeline.id}`)).status).toBe(404);
  });
});

describe('deals', () => {
  it('are created in the default pipeline’s first stage, in cents (BRL by default), owned by their creator', async () => {
    const admin = await signupOrg('Negócios');
    const agent = await addMember(admin.orgId, 'agent');
    const pipeline = await defaultPipeline(admin);
    const deal = await createDeal(agent, { title: 'Primeira venda', valueCents: 123456, expectedCloseDate: '2026-12-20' });
    expect(deal).toMatchObject({
      title: 'Primeira venda',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      valueCents: 123456,
      currency: 'BRL',
      status: 'open',
      lostReason: null,
      ownerId: agent.userId,
      owner: { id: agent.userId, name: 'agent teste' },
      contact: null,
      expectedCloseDate: '2026-12-20',
      closedAt: null,
    });
    expect((await createDeal(agent, { title: 'Em dólar', valueCents: 500, currency: 'usd', ownerId: null })).currency).toBe('USD');
    for (const bad of [
      { title: 'Centavos', valueCents: 10.5 },
      { title: 'Negativo', valueCents: -1 },
      { title: 'Texto', valueCents: '100' },
      { title: 'Moeda', currency: 'REAL' },
      { title: 'Data', expectedCloseDate: '20/12/2026' },
      { title: '' },
      { title: 'Estágio', stageId: 'nope' },
    ]) {
      const res = await post(agent, '/api/v1/deals', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const notMember = await post(agent, '/api/v1/deals', { title: 'Dono estranho', ownerId: (await signupOrg('Alheia')).userId });
    expect(notMember.status).toBe(422);
    expect(notMember.body.error.code).toBe('invalid_owner');
  });

  it('moving a deal writes its stage history; won and lost close it (lost needs a reason)', async () => {
    const admin = await signupOrg('Quadro');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const { id: defaultId, stages } = await defaultPipeline(admin);
    const deal = await createDeal(agent, { title: 'Projeto', valueCents: 990000 });
    const move = (s: Session, stageId: string) => patch(s, `/api/v1/deals/${deal.id}`, { stageId });
    const first = await move(agent, stages[1]!.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ deal: { stageId: stages[1]!.id }, move: { fromStageId: stages[0]!.id, toStageId: stages[1]!.id } });
    await move(manager, stages[3]!.id);
    // Moving to where it is changes nothing and writes no history.
    expect((await move(manager, stages[3]!.id)).body.move).toBeNull();
    const detail = await get(agent, `/api/v1/deals/${deal.id}`);
    expect(detail.body.history.map((h: any) => [h.fromStageId, h.toStageId, h.movedBy])).toEqual([
      [null, stages[0]!.id, agent.userId],
      [stages[0]!.id, stages[1]!.id, agent.userId],
      [stages[1]!.id, stages[3]!.id, manager.userId],
    ]);

    const lostNoReason = await patch(agent, `/api/v1/deals/${deal.id}`, { status: 'lost' });
    expect(lostNoReason.status).toBe(400);
    expect(lostNoReason.body.error.code).toBe('lost_reason_required');
    const lost = await patch(agent, `/api/v1/deals/${deal.id}`, { status: 'lost', lostReason: 'Preço acima do orçamento' });
    expect(lost.body.deal).toMatchObject({ status: 'lost', lostReason: 'Preço acima do orçamento', closedAt: expect.any(String) });
    expect((await patch(agent, `/api/v1/deals/${deal.id}`, { lostReason: null })).body.error.code).toBe('lost_reason_required');
    const reopened = await patch(agent, `/api/v1/deals/${deal.id}`, { status: 'open' });
    expect(reopened.body.deal).toMatchObject({ status: 'open', lostReason: null, closedAt: null });
    expect((await patch(agent, `/api/v1/deals/${deal.id}`, { lostReason: 'x' })).body.error.code).toBe('lost_reason_not_lost');
    const won = await patch(agent, `/api/v1/deals/${deal.id}`, { status: 'won', valueCents: 1000000 });
    expect(won.body.deal).toMatchObject({ status: 'won', valueCents: 1000000, closedAt: expect.any(String) });

    // A stage of another pipeline moves the deal there.
    const other = (await post(admin, '/api/v1/pipelines', { name: 'Outro', stages: [{ name: 'A' }, { name: 'B' }] })).body.pipeline;
    const moved = await move(agent, other.stages[1].id);
    expect(moved.body).toMatchObject({ deal: { pipelineId: other.id, stageId: other.stages[1].id }, move: { fromPipelineId: defaultId, toPipelineId: other.id } });
  });

  it('links a contact and a conversation (agents only their own or unassigned ones)', async () => {
    const admin = await signupOrg('Vínculos');
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Quero um orçamento', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name: 'Rita', timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const deal = await createDeal(agent, { title: 'Orçamento', conversationId: conv.id });
    expect(deal).toMatchObject({ conversationId: conv.id, contactId: conv.contact.id, contact: { id: conv.contact.id, name: 'Rita' } });
    const contact = (await post(admin, '/api/v1/contacts', { name: 'Outra Pessoa' })).body.contact;
    const mismatch = await post(agent, '/api/v1/deals', { title: 'X', conversationId: conv.id, contactId: contact.id });
    expect(mismatch.status).toBe(422);
    expect((await patch(admin, `/api/v1/conversations/${conv.id}`, { assigneeId: other.userId })).status).toBe(200);
    expect((await post(agent, '/api/v1/deals', { title: 'Não é minha', conversationId: conv.id })).status).toBe(403);
    expect((await patch(agent, `/api/v1/deals/${deal.id}`, { contactId: contact.id })).body.deal.contact).toMatchObject({ id: contact.id, name: 'Outra Pessoa' });
    const byContact = await get(agent, `/api/v1/deals?contactId=${contact.id}`);
    expect(byContact.body.data.map((d: { id: string }) => d.id)).toEqual([deal.id]);
  });

  it('lists with filters, a cursor, and count and value per stage and currency over the whole filter', async () => {
    const admin = await signupOrg('Totais');
    const agent = await addMember(admin.orgId, 'agent');
    const { id: pipelineId, stages } = await defaultPipeline(admin);
    const [s0, s1] = [stages[0]!.id, stages[1]!.id];
    await createDeal(admin, { title: 'Alfa', valueCents: 10000 });
    await createDeal(admin, { title: 'Beta', valueCents: 25050, stageId: s1 });
    await createDeal(agent, { title: 'Gama', valueCents: 5000, stageId: s1 });
    await createDeal(agent, { title: 'Delta em euro', valueCents: 700, currency: 'EUR', stageId: s1 });
    const lost = await createDeal(agent, { title: 'Perdido', valueCents: 99999 });
    await patch(agent, `/api/v1/deals/${lost.id}`, { status: 'lost', lostReason: 'Sumiu' });

    const open = await get(agent, `/api/v1/deals?pipelineId=${pipelineId}&status=open`);
    expect(open.status).toBe(200);
    expect(open.body.data.map((d: { title: string }) => d.title)).toEqual(['Delta em euro', 'Gama', 'Beta', 'Alfa']);
    expect(open.body.nextCursor).toBeNull();
    expect(open.body.totals).toEqual(
      [
        { stageId: s0, currency: 'BRL', count: 1, valueCents: 10000 },
        { stageId: s1, currency: 'BRL', count: 2, valueCents: 30050 },
        { stageId: s1, currency: 'EUR', count: 1, valueCents: 700 },
      ].sort((a, b) => a.stageId.localeCompare(b.stageId) || a.currency.localeCompare(b.currency)),
    );
    expect((await get(agent, '/api/v1/deals?owner=me')).body.data.map((d: { title: string }) => d.title)).toEqual(['Perdido', 'Delta em euro', 'Gama']);
    expect((await get(agent, '/api/v1/deals?q=ALF')).body.data.map((d: { title: string }) => d.title)).toEqual(['Alfa']);
    expect((await get(agent, `/api/v1/deals?stageId=${s1}&status=open`)).body.totals.map((t: { count: number }) => t.count)).toEqual([2, 1]);

    const page1 = await get(agent, '/api/v1/deals?limit=2');
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.totals.reduce((n: number, t: { count: number }) => n + t.count, 0)).toBe(5);
    const page2 = await get(agent, `/api/v1/deals?limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await get(agent, `/api/v1/deals?limit=2&cursor=${page2.body.nextCursor}`);
    expect([...page1.body.data, ...page2.body.data, ...page3.body.data].map((d: { title: string }) => d.title)).toEqual(['Perdido', 'Delta em euro', 'Gama', 'Beta', 'Alfa']);
    expect(page3.body.nextCursor).toBeNull();
    for (const q of ['status=closed', 'owner=someone', 'pipelineId=1', 'limit=1000']) expect((await get(agent, `/api/v1/deals?${q}`)).status, q).toBe(400);

    // Deleting hides it from the board and frees its stage.
    expect((await del(agent, `/api/v1/deals/${lost.id}`)).status).toBe(204);
    expect((await get(agent, `/api/v1/deals/${lost.id}`)).status).toBe(404);
    expect((await get(agent, '/api/v1/deals')).body.data).toHaveLength(4);
  });

  it('describes a board change as a realtime event', () => {
    const deal = { id: 'd1', pipelineId: 'p1', stageId: 's2' };
    const change = { move: { fromStageId: 's1', toStageId: 's2', fromPipelineId: 'p1', toPipelineId: 'p1' }, changed: ['stageId'] };
    expect(dealBoardEvent('deal.moved', deal, change)).toEqual({ type: 'deal.moved', data: { deal, move: change.move, changed: ['stageId'] } });
    expect(dealBoardEvent('deal.deleted', deal)).toEqual({ type: 'deal.deleted', data: { deal } });
  });

  it('answers 404 for another organisation’s deals, pipelines, stages and contacts, and audits the attempts', async () => {
    const owner = await signupOrg('Dona do Funil');
    const ownerPipeline = await defaultPipeline(owner);
    const secret = await createDeal(owner, { title: 'Segredo', valueCents: 100 });
    const theirContact = (await post(owner, '/api/v1/contacts', { name: 'Cliente Deles' })).body.contact;
    const intruder = await signupOrg('Intrusa do Funil');
    const mine = await createDeal(intruder, { title: 'Meu' });
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/deals/${secret.id}`],
      ['PATCH', `/api/v1/deals/${secret.id}`, { title: 'Hack' }],
      ['DELETE', `/api/v1/deals/${secret.id}`],
      ['PATCH', `/api/v1/deals/${mine.id}`, { stageId: ownerPipeline.stages[1]!.id }],
      ['POST', '/api/v1/deals', { title: 'X', stageId: ownerPipeline.stages[0]!.id }],
      ['POST', '/api/v1/deals', { title: 'X', contactId: theirContact.id }],
      ['GET', `/api/v1/pipelines/${ownerPipeline.id}`],
      ['PATCH', `/api/v1/pipelines/${ownerPipeline.id}`, { name: 'Hack' }],
      ['DELETE', `/api/v1/pipelines/${ownerPipeline.id}/stages/${ownerPipeline.stages[0]!.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api(method, path, { token: intruder.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const log = await get(intruder, '/api/v1/audit-logs?action=security.cross_tenant_attempt');
    expect(log.body.data.length).toBe(attempts.length);
    expect((await get(owner, `/api/v1/deals/${secret.id}`)).body.deal.title).toBe('Segredo');
    expect((await get(intruder, '/api/v1/deals')).body.data.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expect((await api('GET', '/api/v1/deals')).status).toBe(401);
  });
});

describe('the live board', () => {
  it('every member’s inbox socket receives deal.created, deal.moved (from/to), deal.updated and deal.deleted; other tenants nothing', async () => {
    const admin = await signupOrg('Quadro ao Vivo');
    const manager = await addMember(admin.orgId, 'manager');
    const agent = await addMember(admin.orgId, 'agent');
    const stranger = await signupOrg('Outro Quadro');
    const mine = await connect(agent, '/api/v1/inbox/ws');
    const theirs = await connect(stranger, '/api/v1/inbox/ws');
    const pipeline = await defaultPipeline(manager);
    const [first, second] = pipeline.stages;

    const deal = await createDeal(manager, { title: 'Plano anual', valueCents: 120000 });
    const created = await mine.next('deal.created', (e) => (e.data as any).deal.id === deal.id);
    expect(created.data).toEqual({ deal });

    const moved = await patch(manager, `/api/v1/deals/${deal.id}`, { stageId: second!.id });
    expect(moved.status).toBe(200);
    const ev = await mine.next('deal.moved', (e) => (e.data as any).deal.id === deal.id);
    expect(ev.data).toMatchObject({
      deal: { id: deal.id, stageId: second!.id, pipelineId: pipeline.id },
      move: { fromStageId: first!.id, toStageId: second!.id, fromPipelineId: pipeline.id, toPipelineId: pipeline.id },
      changed: expect.arrayContaining(['stageId']),
    });
    expect(ev.seq).toBeGreaterThan(created.seq);

    await patch(manager, `/api/v1/deals/${deal.id}`, { title: 'Plano bienal' });
    const updated = await mine.next('deal.updated', (e) => (e.data as any).deal.id === deal.id);
    expect(updated.data).toMatchObject({ deal: { title: 'Plano bienal' }, changed: ['title'] });
    expect((updated.data as any).move).toBeUndefined();
    // A PATCH that changes nothing publishes nothing.
    await patch(manager, `/api/v1/deals/${deal.id}`, { title: 'Plano bienal' });

    expect((await del(manager, `/api/v1/deals/${deal.id}`)).status).toBe(204);
    const deleted = await mine.next('deal.deleted');
    expect(deleted.data).toEqual({ deal: { id: deal.id, pipelineId: pipeline.id, stageId: second!.id } });

    await settled(mine, theirs);
    expect(mine.events.filter((e) => e.type.startsWith('deal.')).map((e) => e.type)).toEqual(['deal.created', 'deal.moved', 'deal.updated', 'deal.deleted']);
    expect(theirs.events).toEqual([]);
    mine.close();
    theirs.close();
  });

  it('stage changes publish pipeline.updated so open boards reload', async () => {
    const admin = await signupOrg('Etapas ao Vivo');
    const agent = await addMember(admin.orgId, 'agent');
    const sock = await connect(agent, '/api/v1/inbox/ws');
    const pipeline = await defaultPipeline(admin);
    const isThis = (e: { data: unknown }) => (e.data as { pipelineId: string }).pipelineId === pipeline.id;
    const count = () => sock.events.filter((e) => e.type === 'pipeline.updated' && isThis(e)).length;

    const added = await post(admin, `/api/v1/pipelines/${pipeline.id}/stages`, { name: 'Retorno' });
    expect(added.status).toBe(201);
    await eventually(async () => count() === 1);
    const ids: string[] = added.body.pipeline.stages.map((s: { id: string }) => s.id);
    const order = await api('PUT', `/api/v1/pipelines/${pipeline.id}/stages/order`, { token: admin.accessToken, body: { stageIds: [...ids].reverse() } });
    expect(order.status).toBe(200);
    await eventually(async () => count() === 2);
    expect((await del(admin, `/api/v1/pipelines/${pipeline.id}/stages/${ids.at(-1)}`)).status).toBe(204);
    await eventually(async () => count() === 3);
    // A refused change (bad order) is not announced.
    expect((await api('PUT', `/api/v1/pipelines/${pipeline.id}/stages/order`, { token: admin.accessToken, body: { stageIds: [ids[0]] } })).status).toBe(400);
    await settled(sock);
    expect(count()).toBe(3);
    expect(sock.events.find((e) => e.type === 'pipeline.updated')!.data).toEqual({ pipelineId: pipeline.id });
    sock.close();
  });
});
