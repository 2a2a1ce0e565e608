// The tenant admin's settings: organisation and retention, the WhatsApp channel with its webhook URL, template
// sync, the sales pipeline's stages, inviting a user who accepts and logs in, and the audit log with filters and "load more". Also English.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ADMIN, apiAs, browserAvailable, customerSays, login, mailedToken, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person,
} from './support';

const INVITEE = { email: 'nina.nova@demo.conversa.local', name: 'Nina Nova', password: 'nina-senha-forte-1' };

describe.skipIf(!browserAvailable('web/e2e/admin.test.ts'))('settings (tenant admin)', () => {
  let e2e: E2E;
  let admin: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    admin = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => admin?.page));
  afterAll(async () => {
    await admin?.close();
    await e2e?.stop();
  });

  it('edits the organisation and its data retention', async () => {
    const { page } = admin;
    await login(page, e2e.webUrl, ADMIN);
    await page.getByRole('link', { name: 'Configurações' }).click();
    await page.waitForURL(/\/settings/);
    const form = page.getByTestId('org-form');
    await form.getByLabel('Nome da organização').waitFor();
    expect(await form.getByLabel('Nome da organização').inputValue()).toBe('Loja Demo');
    // Time zones read as places with their offset, Brazil's first — not raw IANA identifiers.
    const zone = form.getByLabel('Fuso horário');
    expect(await zone.inputValue()).toBe('America/Sao_Paulo');
    expect(await zone.locator('option:checked').textContent()).toBe('São Paulo (GMT-3)');
    expect(await zone.locator('optgroup').first().getAttribute('label')).toBe('Brasil');
    await form.getByLabel('Apagar dados antigos automaticamente').check();
    await form.getByLabel('Manter dados por (dias)').fill('365');
    await form.getByRole('button', { name: 'Salvar' }).click();
    await page.getByText('Salvo.').waitFor();
    await screenshot(page, 'settings-organization', { scrollTop: '.settings-body' });
    const api = await apiAs(e2e.apiUrl, ADMIN);
    const { body } = await api.call<{ organization: { retentionDays: number; retentionEnabled: boolean } }>('GET', '/api/v1/organization');
    expect(body.organization).toMatchObject({ retentionDays: 365, retentionEnabled: true });
  });

  it('shows the WhatsApp channel, the webhook URL and connects another number', async () => {
    const { page } = admin;
    await page.getByTestId('settings-channels').click();
    const list = page.getByTestId('channel-list');
    await list.getByText('+55 (11) 4000-0001').waitFor();
    expect(await page.getByTestId('webhook-url').inputValue()).toBe(`${e2e.webUrl}/webhooks/whatsapp`);
    expect(await page.getByTestId('webhook-box').textContent()).toContain('peça à equipe técnica');

    const form = page.getByTestId('channel-form');
    await form.getByLabel('Identificação do número').fill('100000000000077');
    await form.getByLabel('Identificação da conta do WhatsApp Business').fill('200000000000077');
    await form.getByLabel('Número exibido').fill('+55 11 4000-0077');
    await form.getByLabel('Token de acesso').fill('token-de-teste-0123456789');
    await form.getByRole('button', { name: 'Conectar' }).click();
    await page.getByText('Número conectado.').waitFor();
    await list.getByText('+55 (11) 4000-0077').waitFor();
    await screenshot(page, 'settings-channels', { scrollTop: '.settings-body' });
  });

  it('syncs the templates and lists them', async () => {
    const { page } = admin;
    await page.getByTestId('settings-templates').click();
    await page.getByText('Nenhum modelo sincronizado ainda.').waitFor();
    await page.getByTestId('sync-templates').filter({ hasText: 'WhatsApp Loja Demo' }).click();
    await page.getByText('3 modelos sincronizados.').waitFor();
    const table = page.getByTestId('templates-table');
    for (const name of ['hello_world', 'pedido_enviado', 'retomar_atendimento']) await table.getByText(name, { exact: true }).waitFor();
    // Meta's codes in Portuguese: no APPROVED / UTILITY on a Brazilian screen.
    expect(await table.textContent()).not.toMatch(/APPROVED|UTILITY|MARKETING/);
    await table.getByText('Aprovado').first().waitFor();
    await screenshot(page, 'settings-templates', { scrollTop: '.settings-body' });
  });

  it('invites a user who accepts the invitation and logs in', async () => {
    const { page } = admin;
    await page.getByTestId('settings-members').click();
    await page.getByTestId('members-table').getByText('gerente@demo.conversa.local').waitFor();
    const form = page.getByTestId('invite-form');
    await form.getByLabel('E-mail').fill(INVITEE.email);
    await form.getByLabel('Função').selectOption('agent');
    await form.getByRole('button', { name: 'Enviar convite' }).click();
    await page.getByText(`Convite enviado para ${INVITEE.email}.`).waitFor();
    await page.getByTestId('pending-invitations').getByText(INVITEE.email).waitFor();
    await screenshot(page, 'settings-members', { scrollTop: '.settings-body' });

    const token = await mailedToken(e2e.apiUrl, INVITEE.email, 'accept-invite');
    const invitee = await openBrowser();
    try {
      const p = invitee.page;
      await p.goto(`${e2e.webUrl}/accept-invite?token=${encodeURIComponent(token)}`);
      await p.getByText('Você foi convidado(a) para Loja Demo como Atendente.').waitFor();
      await screenshot(p, 'accept-invite');
      await p.getByLabel('Seu nome').fill(INVITEE.name);
      await p.getByLabel('Nova senha').fill(INVITEE.password);
      await p.getByRole('button', { name: 'Aceitar e entrar' }).click();
      await p.waitForURL(/\/inbox/);
      await p.getByRole('heading', { name: 'Conversas' }).waitFor();
      // Agents have no settings.
      expect(await p.getByRole('link', { name: 'Configurações' }).count()).toBe(0);

      await p.getByTestId('account-menu').click();
      await p.getByTestId('logout').click();
      await p.waitForURL(/\/login/);
      await login(p, e2e.webUrl, INVITEE.email, INVITEE.password);
      await p.getByRole('heading', { name: 'Conversas' }).waitFor();
      await p.getByTestId('account-menu').click();
      expect(await p.locator('#account-menu').textContent()).toContain('Loja Demo · Atendente');
    } finally {
      await invitee.close();
    }

    await page.reload();
    await page.getByTestId('members-table').getByText(INVITEE.email).waitFor();
    expect(await page.getByTestId('pending-invitations').count()).toBe(0);
  });

  it("changes a member's role and removes a member", async () => {
    const { page } = admin;
    const table = page.getByTestId('members-table');
    await table.getByLabel(`Função de ${INVITEE.name}`).selectOption('manager');
    await page.getByText('Função alterada.').waitFor();
    const api = await apiAs(e2e.apiUrl, ADMIN);
    const members = await api.call<{ data: { email: string; role: string }[] }>('GET', '/api/v1/members');
    expect(members.body.data.find((m) => m.email === INVITEE.email)?.role).toBe('manager');

    page.once('dialog', (d) => void d.accept());
    await table.getByRole('button', { name: `Remover ${INVITEE.name}` }).click();
    await expect.poll(() => table.getByText(INVITEE.email).count()).toBe(0);
    // The last admin cannot be demoted: the server says why.
    await table.getByLabel('Função de Ana Admin').selectOption('agent');
    await page.getByText('A organização precisa de pelo menos um administrador.').waitFor();
    expect(await table.getByLabel('Função de Ana Admin').inputValue()).toBe('tenant_admin');
  });

  it('shows the audit log with filters and "load more"', async () => {
    const { page } = admin;
    // Enough entries for a second page (30 a page), without going near the API's rate limit.
    const api = await apiAs(e2e.apiUrl, ADMIN);
    for (let i = 0; i < 24; i++) {
      const r = await api.call('PATCH', '/api/v1/organization', { timezone: i % 2 ? 'America/Sao_Paulo' : 'America/Recife' });
      expect(r.status).toBe(200);
    }
    await page.getByTestId('settings-audit').click();
    const table = page.getByTestId('audit-table');
    await table.locator('tr[data-action="organization.updated"]').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(30);
    // In words, with readable details — not the raw code and JSON.
    const updated = table.locator('tr[data-action="organization.updated"]').first();
    expect(await updated.textContent()).toContain('Alterou as configurações da organização');
    expect(await updated.getByTestId('audit-meta').textContent()).toMatch(/^timezone:?America\/(Sao_Paulo|Recife)$/);
    expect(await updated.textContent()).not.toContain('{"');
    await screenshot(page, 'settings-audit', { scrollTop: '.settings-body' });
    await page.getByTestId('audit-more').click();
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(30);
    await table.locator('tr[data-action="member.joined"]').waitFor();

    await page.getByTestId('audit-action').selectOption('member.');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect.poll(async () => [...new Set(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))].sort())
      .toEqual(['member.invited', 'member.joined', 'member.removed', 'member.role_changed']);
  });

  it('edits the sales pipeline: adds, renames, reorders and deletes stages; a stage with deals is kept', async () => {
    const { page } = admin;
    const api = await apiAs(e2e.apiUrl, ADMIN);
    type Pipe = { id: string; name: string; stages: { id: string; name: string; probability: number | null }[] };
    const pipes = async () => (await api.call<{ data: Pipe[] }>('GET', '/api/v1/pipelines')).body.data;
    const vendas = (await pipes()).find((p) => p.name === 'Vendas')!;
    const proposta = vendas.stages.find((s) => s.name === 'Proposta')!;
    const created = await api.call('POST', '/api/v1/deals', { title: 'Renovação anual', pipelineId: vendas.id, stageId: proposta.id, valueCents: 99_000 });
    expect(created.status).toBe(201);

    await page.getByTestId('settings-pipelines').click();
    const card = page.locator('[data-testid="pipeline-card"][data-name="Vendas"]');
    await card.getByText('Padrão').waitFor();
    await card.getByLabel('Nova etapa').fill('Pós-venda');
    await card.getByTestId('stage-add').click();
    await page.getByText('Etapa “Pós-venda” adicionada.').waitFor();
    const row = card.locator('[data-testid="stage-row"][data-name="Pós-venda"]');
    await row.waitFor();

    // Rename it and give it a win probability, then move it one place up (keyboard-reachable buttons, no drag).
    await row.getByLabel('Nome da etapa').fill('Pós-venda e retenção');
    await row.getByLabel('Probabilidade de ganho (%)').fill('90');
    await row.getByRole('button', { name: 'Salvar' }).click();
    await page.getByText('Etapa “Pós-venda e retenção” salva.').waitFor();
    await card.getByRole('button', { name: 'Mover Pós-venda e retenção para cima' }).click();
    await page.getByText('Ordem das etapas salva.').waitFor();
    let stages = (await pipes()).find((p) => p.id === vendas.id)!.stages;
    expect(stages.map((s) => s.name)).toEqual(['Novo', 'Qualificado', 'Proposta', 'Negociação', 'Pós-venda e retenção', 'Fechamento']);
    expect(stages.find((s) => s.name === 'Pós-venda e retenção')!.probability).toBe(90);
    await screenshot(page, 'settings-pipelines', { scrollTop: '.settings-body' });

    // A stage that still has deals stays, with the reason in Portuguese.
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Excluir a etapa Proposta' }).click();
    await page.getByText('Esta etapa ainda tem negócios: mova-os para outra etapa antes.').waitFor();
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Excluir a etapa Pós-venda e retenção' }).click();
    await page.getByText('Etapa “Pós-venda e retenção” excluída.').waitFor();
    stages = (await pipes()).find((p) => p.id === vendas.id)!.stages;
    expect(stages.map((s) => s.name)).toEqual(['Novo', 'Qualificado', 'Proposta', 'Negociação', 'Fechamento']);
  });

  it('speaks English when asked', async () => {
    const { page } = admin;
    await page.getByTestId('settings-audit').click();
    await page.getByRole('heading', { name: 'Registro de auditoria' }).waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.getByRole('link', { name: 'Inbox' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByTestId('language').selectOption('pt-BR');
    await page.getByRole('heading', { name: 'Registro de auditoria' }).waitFor();
  });

  it('creates, edits and deletes custom contact fields (CPF, a list of options)', async () => {
    const { page } = admin;
    await page.goto(`${e2e.webUrl}/settings/custom-fields`);
    await page.getByRole('heading', { name: 'Campos personalizados de contato' }).waitFor();
    await page.getByTestId('field-new').click();
    await page.getByTestId('field-label').fill('CPF');
    expect(await page.getByTestId('field-key').inputValue()).toBe('cpf');
    await page.getByTestId('field-save').click();
    await page.getByText('Campo “CPF” criado.').waitFor();
    await page.getByTestId('field-new').click();
    await page.getByTestId('field-label').fill('Forma de pagamento');
    expect(await page.getByTestId('field-key').inputValue()).toBe('forma_de_pagamento');
    await page.getByTestId('field-type').selectOption('list');
    await page.getByTestId('field-options').fill('Pix\nBoleto\nCartão');
    await page.getByTestId('field-save').click();
    await page.getByText('Campo “Forma de pagamento” criado.').waitFor();
    const api = await apiAs(e2e.apiUrl, ADMIN);
    const defs = await api.call<{ data: { key: string; type: string; options: string[] }[] }>('GET', '/api/v1/contact-attributes');
    expect(defs.body.data.find((d) => d.key === 'forma_de_pagamento')).toMatchObject({ type: 'list', options: ['Pix', 'Boleto', 'Cartão'] });
    await page.getByRole('button', { name: 'Editar o campo Forma de pagamento' }).click();
    await page.getByTestId('field-options').fill('Pix\nBoleto');
    await page.getByTestId('field-save').click();
    await page.getByText('Campo “Forma de pagamento” salvo.').waitFor();
    await screenshot(page, 'settings-custom-fields', { scrollTop: '.settings-body' });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Excluir o campo CPF' }).click();
    await page.getByText('Campo “CPF” excluído.').waitFor();
    const after = await api.call<{ data: { key: string; options: string[] }[] }>('GET', '/api/v1/contact-attributes');
    expect(after.body.data.map((d) => d.key)).not.toContain('cpf');
    expect(after.body.data.find((d) => d.key === 'forma_de_pagamento')?.options).toEqual(['Pix', 'Boleto']);
  });

  it('shows the members on a phone without sideways scrolling', async () => {
    const phone = await openBrowser({ width: 375, height: 740 });
    try {
      const { page } = phone;
      await login(page, e2e.webUrl, ADMIN);
      await page.goto(`${e2e.webUrl}/settings/members`);
      const table = page.getByTestId('members-table');
      await table.getByText('gerente@demo.conversa.local').waitFor();
      const overflow = await page.evaluate(() => {
        const wrap = document.querySelector('.table-wrap')!;
        return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, table: wrap.scrollWidth - wrap.clientWidth };
      });
      expect(overflow).toEqual({ page: 0, table: 0 });
      // Every cell still says what it is, and the role stays editable.
      await table.getByLabel('Função de Gustavo Gerente').waitFor();
      await screenshot(page, 'members-phone');
    } finally {
      await phone.close();
    }
  });

  it('creates an API key shown once, which works as a Bearer until it is revoked', async () => {
    const { page } = admin;
    await page.goto(`${e2e.webUrl}/settings/api-keys`);
    await page.getByTestId('api-key-new').click();
    await page.getByTestId('api-key-name').fill('Loja virtual');
    await page.getByTestId('api-key-scope-write').check();
    await page.getByTestId('api-key-save').click();
    const created = page.getByTestId('api-key-created');
    await created.getByText('Copie-a agora').waitFor();
    const key = await page.getByTestId('api-key-value').inputValue();
    expect(key).toMatch(/^cv_live_/);
    await screenshot(page, 'settings-api-key-created');
    const withKey = (path: string) => fetch(`${e2e.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await withKey('/api/v1/contacts')).status).toBe(200);
    // Shown once: after "Já copiei" the list has its prefix only.
    await page.getByRole('button', { name: 'Já copiei' }).click();
    await created.waitFor({ state: 'detached' });
    const row = page.getByTestId('api-key-list').locator('li[data-name="Loja virtual"]');
    await row.getByText('read, write').waitFor();
    expect(await page.content()).not.toContain(key);

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revogar' }).click();
    await row.getByText('Revogada').waitFor();
    expect((await withKey('/api/v1/contacts')).status).toBe(401);
  });

  it('shows the privacy report generated from the settings, and downloads it', async () => {
    const { page } = admin;
    await page.goto(`${e2e.webUrl}/settings/privacy`);
    const report = page.getByTestId('privacy-report');
    // The first test set the retention to 365 days (the grace period is 30).
    await expect.poll(() => report.getByTestId('privacy-retention').textContent()).toContain('paradas há 365 dias');
    const messages = report.locator('tr[data-table="messages"]');
    expect(await messages.textContent()).toContain('até 395 dias');
    expect(await report.locator('tr[data-table="sessions"]').textContent()).toContain('até 7 dias');
    await report.getByTestId('privacy-processors').getByText('Meta Platforms (WhatsApp Cloud API)').waitFor();
    // Content encryption, and the search index it keeps beside encrypted messages (issue 21 §4).
    const encryption = await report.getByTestId('privacy-encryption').textContent();
    expect(encryption).toContain('Criptografia em repouso');
    expect(encryption).toContain('índice de busca');
    await screenshot(page, 'settings-privacy', { scrollTop: '.settings-body' });
    const [download] = await Promise.all([page.waitForEvent('download'), report.getByTestId('privacy-download').click()]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const json = JSON.parse(await readFile(path!, 'utf8'));
    expect(json.organization.name).toBe('Loja Demo');
    expect(json.retention).toMatchObject({ enabled: true, days: 365 });
    expect(json.encryption.searchDocument.column).toBe('messages.search_vector');
  });

  it('registers an outgoing webhook, shows its secret once, and its delivery log after a customer writes', async () => {
    const received: { type: string; signature: string | undefined }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ type: JSON.parse(body).type, signature: req.headers['x-conversa-signature'] as string | undefined });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/conversa`;
    try {
      const { page } = admin;
      await page.goto(`${e2e.webUrl}/settings/webhooks`);
      await page.getByTestId('webhook-new').click();
      const form = page.getByTestId('webhook-form');
      await page.getByTestId('webhook-url').fill('https://10.0.0.5/hook');
      await page.getByTestId('webhook-save').click();
      // A private address is refused, next to the field.
      await form.locator('#webhook-url-error').waitFor();
      await page.getByTestId('webhook-url').fill(url);
      await page.getByTestId('webhook-save').click();
      const secret = page.getByTestId('webhook-secret-value');
      await secret.waitFor();
      expect(await secret.inputValue()).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'Já copiei' }).click();
      const row = page.getByTestId('webhook-list').locator(`li[data-url="${url}"]`);
      await row.getByText('message.created').waitFor();

      await customerSays(e2e, '5511977771234', 'Rui Webhook', 'Oi, chegou meu pedido?');
      await expect.poll(() => received.map((r) => r.type), { timeout: 20_000 }).toContain('message.created');
      expect(received[0]!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      await row.getByTestId('webhook-deliveries-toggle').click();
      const log = row.getByTestId('webhook-deliveries');
      await log.locator('tr[data-state="succeeded"]').first().waitFor();
      expect(await log.textContent()).toContain('200');
      await screenshot(page, 'settings-webhooks');
    } finally {
      receiver.close();
    }
  });
});
