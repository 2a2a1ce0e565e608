import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMeta } from './index';
import { graph, NUMBER, startReceiver, startTestFake, type GraphBody, type Receiver } from './test-support';

let receiver: Receiver;
let fake: FakeMeta;
const names = ['aviso_entrega', 'boas_vindas', 'confirmacao_pedido', 'lembrete_pagamento', 'retomar_atendimento'];
const listPath = `/${NUMBER.wabaId}/message_templates`;

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake(receiver.url, { autoStatuses: false });
  for (const name of names) {
    fake.addTemplate({
      wabaId: NUMBER.wabaId, name, language: 'pt_BR', category: name === 'boas_vindas' ? 'MARKETING' : 'UTILITY',
      components: [{ type: 'BODY', text: `Olá, {{1}}! (${name})` }],
    });
  }
  fake.registerNumber({ phoneNumberId: '109000000000003', wabaId: '209000000000003', displayPhoneNumber: '+55 31 4000-0003', accessToken: 'other-waba-token' });
  fake.addTemplate({ wabaId: '209000000000003', name: 'outra_empresa', components: [{ type: 'BODY', text: 'x' }] });
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

describe('message_templates', () => {
  it('lists in Meta’s shape and pages forward through `next` with cursors', async () => {
    const seen: string[] = [];
    let page = await graph(fake, `${listPath}?limit=2`);
    expect(page.body.data![0]).toEqual({
      name: 'aviso_entrega', parameter_format: 'POSITIONAL', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Olá, {{1}}! (aviso_entrega)' }], id: expect.stringMatching(/^\d+$/),
    });
    for (let i = 0; i < 5; i++) {
      seen.push(...page.body.data!.map((t) => String(t.name)));
      expect(page.body.paging!.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
      if (!page.body.paging!.next) break;
      const next = new URL(page.body.paging!.next);
      page = await graph(fake, `${listPath}${next.search}`);
    }
    expect(seen).toEqual(names);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.paging!.previous).toBeDefined();
  });

  it('pages back with `before`, and answers { data: [] } past the end', async () => {
    const first = await graph(fake, `${listPath}?limit=2`);
    const second = await graph(fake, `${listPath}?limit=2&after=${encodeURIComponent(first.body.paging!.cursors.after)}`);
    const back = await graph(fake, `${listPath}?limit=2&before=${encodeURIComponent(second.body.paging!.cursors.before)}`);
    expect(back.body.data!.map((t) => t.name)).toEqual(names.slice(0, 2));
    const last = await graph(fake, `${listPath}?limit=10`);
    const past = await graph(fake, `${listPath}?after=${encodeURIComponent(last.body.paging!.cursors.after)}`);
    expect(past.body).toEqual({ data: [] } satisfies GraphBody);
  });

  it('filters by name, category and status, and restricts fields', async () => {
    const byName = await graph(fake, `${listPath}?name=pedido`);
    expect(byName.body.data!.map((t) => t.name)).toEqual(['confirmacao_pedido']);
    const marketing = await graph(fake, `${listPath}?category=MARKETING&fields=name,status`);
    expect(marketing.body.data).toEqual([{ id: expect.any(String), name: 'boas_vindas', status: 'APPROVED' }]);
  });

  it('only shows a WABA to its own tokens', async () => {
    const res = await graph(fake, listPath, { token: 'other-waba-token' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33 } } });
    expect((await graph(fake, listPath, { token: 'nope' })).status).toBe(401);
  });

  it('creates a template, then lists it', async () => {
    const created = await graph(fake, listPath, {
      body: { name: 'novo_modelo', language: 'pt_BR', category: 'UTILITY', components: [{ type: 'BODY', text: 'Oi {{1}}' }] },
    });
    expect(created.body).toEqual({ id: expect.any(String), status: 'APPROVED', category: 'UTILITY' });
    const again = await graph(fake, listPath, { body: { name: 'novo_modelo', language: 'pt_BR', category: 'UTILITY', components: [{ type: 'BODY', text: 'Oi' }] } });
    expect(again.status).toBe(400);
    expect((await graph(fake, `${listPath}?name=novo_modelo`)).body.data).toHaveLength(1);
  });
});
