// The CRM screens: a manager and an agent on the same deals board (drag and drop, the keyboard "Mover para…"
// alternative, live moves over the organisation's socket, a refused move rolled back), and a contact edited on its
// page (name, phone validated by the server, custom attribute, label, note), and the list's CSV import, filters,
// paging, merge and export. Real worker, Postgres and fake Meta.
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN, AGENT, MANAGER, apiAs, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E,
  type E2E, type Person,
} from './support';

interface Stage {
  id: string;
  name: string;
}
interface Pipeline {
  id: string;
  isDefault: boolean;
  stages: Stage[];
}

const column = (page: Page, stage: string) => page.locator(`[data-testid="stage-column"][data-stage="${stage}"]`);
const card = (scope: Page | Locator, title: string) => scope.getByTestId('deal-card').filter({ hasText: title });
const total = (page: Page, stage: string) => column(page, stage).getByTestId('stage-total').textContent();
const count = (page: Page, stage: string) => column(page, stage).getByTestId('stage-count').textContent();
/** Intl's pt-BR currency puts a no-break space after "R$". */
const plain = (s: string | null) => (s ?? '').replace(/\s/g, ' ');

describe.skipIf(!browserAvailable('web/e2e/crm.test.ts'))('CRM screens', () => {
  let e2e: E2E;
  let manager: Person;
  let agent: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    manager = await openBrowser();
    agent = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => manager?.page));

  /** The manager's browser, logged in (the first test does it; a test run alone does it here). */
  async function loggedIn(page: Page) {
    if (!page.url().startsWith(e2e.webUrl)) await login(page, e2e.webUrl, MANAGER);
  }
  afterAll(async () => {
    await manager?.close();
    await agent?.close();
    await e2e?.stop();
  });

  it('moves a deal between stages by drag and drop and by keyboard, live on another board', async () => {
    const api = await apiAs(e2e.apiUrl, MANAGER);
    const { body: pipes } = await api.call<{ data: Pipeline[] }>('GET', '/api/v1/pipelines');
    const pipeline = pipes.data.find((p) => p.isDefault)!;
    const [first, second, third] = pipeline.stages;
    expect(first && second && third).toBeTruthy();
    const created = await api.call('POST', '/api/v1/contacts', { name: 'Loja Bela Vista', phone: '(11) 3333-4444' });
    expect(created.status).toBe(201);

    const m = manager.page;
    const a = agent.page;
    await login(m, e2e.webUrl, MANAGER);
    await login(a, e2e.webUrl, AGENT);
    await m.getByTestId('nav-deals').click();
    await a.getByTestId('nav-deals').click();
    for (const p of [m, a]) {
      await p.waitForURL(/\/deals$/);
      await column(p, first!.name).waitFor();
      await expect.poll(() => p.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
    }
    expect(plain(await total(m, first!.name))).toBe('R$ 0,00');

    // Create: title, value typed the Brazilian way, contact picked by search.
    await m.getByTestId('new-deal').click();
    const dialog = m.getByTestId('deal-dialog');
    await dialog.getByTestId('deal-title').fill('Uniformes 2027');
    await dialog.getByTestId('deal-value').fill('1.500,00');
    await dialog.getByTestId('deal-contact-input').fill('Bela Vista');
    // Typed but not chosen: saving would leave the deal without its contact, so the dialog says so and stays.
    await dialog.getByTestId('deal-save').click();
    await dialog.getByText('Escolha o contato na lista de sugestões').waitFor();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByTestId('deal-contact-result').filter({ hasText: 'Loja Bela Vista' }).click();
    await expect.poll(() => dialog.getByTestId('deal-contact-picked').textContent()).toBe('Loja Bela Vista');
    await dialog.getByTestId('deal-save').click();
    await dialog.waitFor({ state: 'detached' });

    const mine = card(column(m, first!.name), 'Uniformes 2027');
    await mine.waitFor();
    expect(await mine.textContent()).toContain('Loja Bela Vista');
    expect(plain(await total(m, first!.name))).toBe('R$ 1.500,00');
    expect(await count(m, first!.name)).toBe('1');
    // The agent's board got it from the socket.
    await card(column(a, first!.name), 'Uniformes 2027').waitFor({ timeout: 10_000 });
    // A marker on the agent's window: gone if the page reloads.
    await a.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // Real HTML5 drag and drop from the first column to the second.
    await mine.dragTo(column(m, second!.name));
    await card(column(m, second!.name), 'Uniformes 2027').waitFor();
    await expect.poll(async () => plain(await total(m, second!.name))).toBe('R$ 1.500,00');
    expect(plain(await total(m, first!.name))).toBe('R$ 0,00');
    expect(await count(m, first!.name)).toBe('0');
    expect(await count(m, second!.name)).toBe('1');

    // The agent sees the move without reloading.
    await card(column(a, second!.name), 'Uniformes 2027').waitFor({ timeout: 10_000 });
    expect(await card(column(a, first!.name), 'Uniformes 2027').count()).toBe(0);
    await expect.poll(async () => plain(await total(a, second!.name))).toBe('R$ 1.500,00');
    expect(plain(await total(a, first!.name))).toBe('R$ 0,00');
    expect(await a.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await screenshot(m, 'crm-board');

    // Still there after a reload: the server has the new stage and a history entry.
    await a.reload();
    await card(column(a, second!.name), 'Uniformes 2027').waitFor();
    const { body: list } = await api.call<{ data: { id: string; title: string; stageId: string }[] }>('GET', `/api/v1/deals?pipelineId=${pipeline.id}`);
    const deal = list.data.find((d) => d.title === 'Uniformes 2027')!;
    expect(deal.stageId).toBe(second!.id);
    const history = async () => (await api.call<{ history: { fromStageId: string | null; toStageId: string }[] }>('GET', `/api/v1/deals/${deal.id}`)).body.history;
    expect(await history()).toEqual([
      expect.objectContaining({ fromStageId: null, toStageId: first!.id }),
      expect.objectContaining({ fromStageId: first!.id, toStageId: second!.id }),
    ]);

    // The keyboard (and phone) alternative: the card's "Mover para…" select, driven by keys.
    const select = card(column(m, second!.name), 'Uniformes 2027').getByLabel('Mover "Uniformes 2027" para…');
    await select.focus();
    // Type-ahead on the closed select picks the stage and fires one change ("Proposta" is the only P).
    expect(third!.name).toBe('Proposta');
    await m.keyboard.press('P');
    await card(column(m, third!.name), 'Uniformes 2027').waitFor();
    // The focus follows the card to its new column.
    await expect.poll(() => m.evaluate(() => document.activeElement?.closest('[data-stage]')?.getAttribute('data-stage'))).toBe(third!.name);
    await card(column(a, third!.name), 'Uniformes 2027').waitFor({ timeout: 10_000 });
    await expect.poll(async () => plain(await total(a, third!.name))).toBe('R$ 1.500,00');
    expect(plain(await total(a, second!.name))).toBe('R$ 0,00');
    await expect.poll(async () => (await history()).length).toBe(3);

    // On a phone the columns scroll sideways (the agent's board from here on).
    await a.setViewportSize({ width: 390, height: 800 });
    const board = a.getByTestId('board');
    await expect.poll(() => board.evaluate((el) => el.scrollWidth > el.clientWidth + 100)).toBe(true);
    await screenshot(a, 'crm-board-phone');

    // A move the server refuses goes back where it was, with a message.
    await m.route('**/api/v1/deals/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'conflict', message: 'Deal changed meanwhile' } }) })
        : route.fallback(),
    );
    await card(column(m, third!.name), 'Uniformes 2027').dragTo(column(m, first!.name));
    await m.getByTestId('move-error').waitFor();
    expect(await m.getByTestId('move-error').textContent()).toContain('Uniformes 2027');
    await card(column(m, third!.name), 'Uniformes 2027').waitFor();
    expect(plain(await total(m, first!.name))).toBe('R$ 0,00');
    expect(plain(await total(m, third!.name))).toBe('R$ 1.500,00');
    await m.unroute('**/api/v1/deals/*');
    expect((await history()).length).toBe(3);

    // Opening the card shows its stage history.
    await card(column(m, third!.name), 'Uniformes 2027').getByRole('button', { name: 'Uniformes 2027' }).click();
    const open = m.getByTestId('deal-dialog');
    await expect.poll(() => open.getByTestId('deal-history').locator('li').count()).toBe(3);
    expect(await open.getByTestId('deal-history').textContent()).toContain(`${first!.name} → ${second!.name}`);
    await screenshot(m, 'crm-deal-dialog');
    await m.keyboard.press('Escape');
    await open.waitFor({ state: 'detached' });

    // Edit it: new value and owner, then lost (which needs a reason) — it leaves the open board everywhere.
    await card(column(m, third!.name), 'Uniformes 2027').getByRole('button', { name: 'Uniformes 2027' }).click();
    const edit = m.getByTestId('deal-dialog');
    await edit.getByTestId('deal-value').waitFor();
    expect(await edit.getByTestId('deal-value').inputValue()).toBe('1.500,00');
    await edit.getByTestId('deal-value').fill('2.750,50');
    await edit.getByTestId('deal-owner').selectOption({ label: 'Alice Agente' });
    await edit.getByTestId('deal-close-date').fill('2027-01-31');
    await edit.getByTestId('deal-save').click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(async () => plain(await total(a, third!.name))).toBe('R$ 2.750,50');
    expect(await card(column(a, third!.name), 'Uniformes 2027').textContent()).toContain('Responsável: Alice Agente');

    await card(column(m, third!.name), 'Uniformes 2027').getByRole('button', { name: 'Uniformes 2027' }).click();
    await edit.getByTestId('deal-status-lost').check();
    await edit.getByTestId('deal-save').click();
    await expect.poll(() => edit.locator('#deal-lost-error').textContent()).toContain('motivo');
    await edit.getByTestId('deal-lost-reason').fill('Escolheu outro fornecedor');
    await edit.getByTestId('deal-save').click();
    await edit.waitFor({ state: 'detached' });
    for (const p of [m, a]) {
      await expect.poll(() => card(p, 'Uniformes 2027').count(), { timeout: 10_000 }).toBe(0);
      expect(plain(await total(p, third!.name))).toBe('R$ 0,00');
    }
    await m.getByTestId('status-filter').selectOption({ label: 'Perdidos' });
    await card(column(m, third!.name), 'Uniformes 2027').waitFor();
    const { body: lost } = await api.call<{ deal: Record<string, unknown> }>('GET', `/api/v1/deals/${deal.id}`);
    expect(lost.deal).toMatchObject({ status: 'lost', lostReason: 'Escolheu outro fornecedor', valueCents: 275050, expectedCloseDate: '2027-01-31' });
    await m.getByTestId('status-filter').selectOption({ label: 'Em aberto' });

    // English second: the same board, money still in Brazilian format.
    await a.evaluate(() => localStorage.setItem('conversa.locale', 'en'));
    await a.reload();
    await a.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    expect(await a.getByTestId('new-deal').textContent()).toBe('New deal');
    expect(plain(await total(a, third!.name))).toBe('R$ 0,00');
    await a.evaluate(() => localStorage.setItem('conversa.locale', 'pt-BR'));
  });

  it('keeps a board current by polling when the socket is not available', async () => {
    const api = await apiAs(e2e.apiUrl, MANAGER);
    const { body: pipes } = await api.call<{ data: Pipeline[] }>('GET', '/api/v1/pipelines');
    const [first, second] = pipes.data.find((p) => p.isDefault)!.stages;
    const { body } = await api.call<{ deal: { id: string } }>('POST', '/api/v1/deals', { title: 'Consultoria anual', valueCents: 990000 });
    const viewer = await openBrowser({ forcePolling: true });
    try {
      const p = viewer.page;
      await login(p, e2e.webUrl, ADMIN);
      await p.goto(`${e2e.webUrl}/deals`);
      await card(column(p, first!.name), 'Consultoria anual').waitFor();
      expect(await p.getAttribute('[data-connection]', 'data-connection')).toBe('polling');
      expect((await api.call('PATCH', `/api/v1/deals/${body.deal.id}`, { stageId: second!.id })).status).toBe(200);
      await card(column(p, second!.name), 'Consultoria anual').waitFor({ timeout: 20_000 });
      expect(plain(await total(p, second!.name))).toBe('R$ 9.900,00');
    } finally {
      await viewer.close();
      await api.call('DELETE', `/api/v1/deals/${body.deal.id}`);
    }
  });

  it('edits a contact: name, phone (server validation), custom attribute, label and note survive a reload', async () => {
    const admin = await apiAs(e2e.apiUrl, ADMIN);
    const attr = await admin.call('POST', '/api/v1/contact-attributes', { key: 'plano', label: 'Plano', type: 'list', options: ['Bronze', 'Prata', 'Ouro'] });
    expect(attr.status).toBe(201);
    const label = await admin.call<{ label: { id: string } }>('POST', '/api/v1/labels', { name: 'VIP', color: '#b42318' });
    expect(label.status).toBe(201);
    // The contact comes from a customer's WhatsApp message.
    await customerSays(e2e, '5511912345678', 'Joana Prado', 'Oi, quero saber do meu pedido.');
    const api = await apiAs(e2e.apiUrl, MANAGER);
    let contactId = '';
    await expect
      .poll(async () => {
        const r = await api.call<{ data: { id: string }[] }>('GET', '/api/v1/contacts?q=Joana');
        contactId = r.body.data[0]?.id ?? '';
        return contactId;
      }, { timeout: 15_000 })
      .not.toBe('');

    const m = manager.page;
    await m.setViewportSize({ width: 1360, height: 900 });
    await loggedIn(m);
    await m.getByTestId('nav-contacts').click();
    await m.getByTestId('contact-search').fill('Joana');
    await m.getByTestId('contact-row').filter({ hasText: 'Joana Prado' }).getByRole('link').click();
    await m.waitForURL(new RegExp(`/contacts/${contactId}$`));
    await m.getByTestId('contact-title').filter({ hasText: 'Joana Prado' }).waitFor();
    // The conversation it came from is linked to the inbox.
    const conv = m.getByTestId('contact-conversations').getByRole('link');
    expect(await conv.getAttribute('href')).toMatch(/^\/inbox\/[0-9a-f-]{36}$/);

    await m.getByLabel('Nome', { exact: true }).fill('Joana Prado Lima');
    await m.getByTestId('contact-phone').fill('123');
    await m.getByTestId('contact-save').click();
    const phoneError = m.locator('#contact-phone-error');
    await expect.poll(() => phoneError.textContent()).toContain('Telefone inválido');
    expect(await m.getByTestId('contact-phone').getAttribute('aria-invalid')).toBe('true');
    // Nothing was saved: the whole edit is one request.
    expect((await api.call<{ contact: { name: string } }>('GET', `/api/v1/contacts/${contactId}`)).body.contact.name).toBe('Joana Prado');

    await m.getByTestId('contact-phone').fill('(11) 91234-5678');
    await m.getByLabel('Plano').selectOption('Ouro');
    await m.getByTestId('contact-save').click();
    await m.getByTestId('contact-saved').waitFor();
    expect(await phoneError.textContent()).toBe('');
    expect(await m.getByTestId('contact-phone').inputValue()).toBe('+5511912345678');
    await m.getByTestId('contact-title').filter({ hasText: 'Joana Prado Lima' }).waitFor();

    await m.getByTestId('label-select').selectOption({ label: 'VIP' });
    await m.getByTestId('label-add').click();
    await m.getByTestId('contact-labels').getByTestId('label-chip').filter({ hasText: 'VIP' }).waitFor();

    await m.getByTestId('note-input').fill('Prefere contato pela manhã.');
    await m.getByTestId('note-add').click();
    await m.getByTestId('note').filter({ hasText: 'Prefere contato pela manhã.' }).waitFor();
    await screenshot(m, 'crm-contact', { scrollTop: '.crm-page' });
    await m.setViewportSize({ width: 390, height: 800 });
    expect(await m.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(m, 'crm-contact-phone', { scrollTop: '.crm-page' });
    await m.setViewportSize({ width: 1360, height: 900 });

    await m.reload();
    await m.getByTestId('contact-title').filter({ hasText: 'Joana Prado Lima' }).waitFor();
    expect(await m.getByLabel('Nome', { exact: true }).inputValue()).toBe('Joana Prado Lima');
    expect(await m.getByTestId('contact-phone').inputValue()).toBe('+5511912345678');
    await expect.poll(() => m.getByLabel('Plano').inputValue()).toBe('Ouro');
    await m.getByTestId('contact-labels').getByTestId('label-chip').filter({ hasText: 'VIP' }).waitFor();
    await m.getByTestId('note').filter({ hasText: 'Prefere contato pela manhã.' }).waitFor();

    const { body } = await api.call<{
      contact: { name: string; phone: string; attributes: Record<string, unknown>; labels: { id: string }[] };
      notes: { body: string }[];
    }>('GET', `/api/v1/contacts/${contactId}`);
    expect(body.contact).toMatchObject({ name: 'Joana Prado Lima', phone: '+5511912345678', attributes: { plano: 'Ouro' } });
    expect(body.contact.labels.map((l) => l.id)).toEqual([label.body.label.id]);
    expect(body.notes.map((n) => n.body)).toEqual(['Prefere contato pela manhã.']);
  });
  it('contacts list: CSV import with a per-row report, attribute filter, load more, merge, export, new contact', async () => {
    const m = manager.page;
    const api = await apiAs(e2e.apiUrl, MANAGER);
    // The "plano" attribute (made by the previous test, or here when it runs alone: 409 then).
    const admin = await apiAs(e2e.apiUrl, ADMIN);
    await admin.call('POST', '/api/v1/contact-attributes', { key: 'plano', label: 'Plano', type: 'list', options: ['Bronze', 'Prata', 'Ouro'] });
    await loggedIn(m);
    await m.getByTestId('nav-contacts').click();
    await m.waitForURL(/\/contacts$/);
    const csv = [
      'nome,telefone,email,plano',
      'Pedro Alves,(21) 99876-5432,pedro@example.com,Prata',
      'Pedro A.,+55 21 3222-1111,,',
      'Sem Telefone,,,',
      'Número Ruim,12,,',
    ].join('\n');
    await m.getByTestId('import-file').setInputFiles({ name: 'contatos.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const report = m.getByTestId('import-report');
    await expect.poll(() => report.textContent()).toContain('4 linhas: 2 criados, 0 atualizados, 0 sem mudança, 2 com erro.');
    const rows = report.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // Translated by the error's code, not the server's English text.
    expect(await rows.nth(0).textContent()).toBe('4Falta o telefone.');
    expect(await rows.nth(1).textContent()).toBe('5Telefone "12" inválido.');
    // The list reloaded with the new contacts.
    await m.getByTestId('contact-row').filter({ hasText: 'Pedro Alves' }).waitFor();
    await screenshot(m, 'crm-contacts-import');
    // Filter by the custom attribute: only the "Prata" contact.
    await m.getByTestId('contact-attr-filter').selectOption({ label: 'Plano' });
    await m.getByTestId('contact-attr-value').selectOption('Prata');
    await expect.poll(() => m.getByTestId('contact-row').count()).toBe(1);
    expect(await m.getByTestId('contact-row').textContent()).toContain('Pedro Alves');
    await m.getByTestId('contact-attr-filter').selectOption('');
    await expect.poll(() => m.getByTestId('contact-row').count()).toBeGreaterThan(1);

    const { body: found } = await api.call<{ data: { id: string; name: string; attributes: Record<string, unknown> }[] }>('GET', '/api/v1/contacts?q=Pedro');
    const keep = found.data.find((c) => c.name === 'Pedro Alves')!;
    const dup = found.data.find((c) => c.name === 'Pedro A.')!;
    expect(keep.attributes).toEqual({ plano: 'Prata' });

    await m.getByTestId('contact-row').filter({ hasText: 'Pedro Alves' }).getByRole('link').click();
    await m.getByTestId('contact-title').filter({ hasText: 'Pedro Alves' }).waitFor();
    await m.getByTestId('merge-pick-input').fill('Pedro');
    await m.getByTestId('merge-pick-result').filter({ hasText: 'Pedro A.' }).click();
    // It asks first; the contact itself is never offered.
    expect(await m.getByRole('alert').filter({ hasText: 'será mesclado' }).textContent()).toContain('"Pedro A." será mesclado em "Pedro Alves"');
    await m.getByTestId('merge-confirm').click();
    await m.getByText('"Pedro A." foi mesclado neste contato.').waitFor();
    expect((await api.call('GET', `/api/v1/contacts/${dup.id}`)).status).toBe(404);
    expect((await api.call('GET', `/api/v1/contacts/${keep.id}`)).status).toBe(200);

    // More than a page: "load more" brings the rest (pages of 30, newest first).
    await m.getByTestId('nav-contacts').click();
    const many = ['nome,telefone', ...Array.from({ length: 35 }, (_, i) => `Cliente ${String(i).padStart(2, '0')},(11) 97000-${String(1000 + i)}`)].join('\n');
    await m.getByTestId('import-file').setInputFiles({ name: 'muitos.csv', mimeType: 'text/csv', buffer: Buffer.from(many) });
    await expect.poll(() => m.getByTestId('import-report').textContent()).toContain('35 criados');
    await expect.poll(() => m.getByTestId('contact-row').count()).toBe(30);
    await m.getByTestId('contacts-more').click();
    await expect.poll(() => m.getByTestId('contact-row').count()).toBeGreaterThan(35);
    expect(await m.getByTestId('contacts-more').count()).toBe(0);
    const [download] = await Promise.all([m.waitForEvent('download'), m.getByTestId('export-contacts').click()]);
    expect(download.suggestedFilename()).toMatch(/^contatos-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('Pedro Alves');
    expect(text).toContain('+5521998765432');
    expect(text).not.toContain('Pedro A.,');

    // A new contact from the list: the server's phone error shows in the dialog, then the new page opens.
    await m.getByTestId('new-contact').click();
    await m.getByTestId('new-contact-name').fill('Bruna Teixeira');
    await m.getByTestId('new-contact-phone').fill('999');
    await m.getByRole('button', { name: 'Criar' }).click();
    await expect.poll(() => m.locator('#new-contact-phone-error').textContent()).toContain('Telefone inválido');
    await m.getByTestId('new-contact-phone').fill('+351 912 345 678');
    await m.getByRole('button', { name: 'Criar' }).click();
    await m.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await m.getByTestId('contact-title').filter({ hasText: 'Bruna Teixeira' }).waitFor();
    expect(await m.getByTestId('contact-phone').inputValue()).toBe('+351912345678');
  });

  it('admin erases a contact (LGPD): typed confirmation, its conversation leaves an open inbox live, its page is gone', async () => {
    const name = 'Rita Apagada';
    await customerSays(e2e, '5511955554444', name, 'Quero que apaguem meus dados, por favor.');
    const api = await apiAs(e2e.apiUrl, ADMIN);
    let contactId = '';
    await expect
      .poll(async () => {
        const r = await api.call<{ data: { id: string }[] }>('GET', '/api/v1/contacts?q=Rita');
        contactId = r.body.data[0]?.id ?? '';
        return contactId;
      }, { timeout: 15_000 })
      .not.toBe('');

    // A manager sees no danger zone, then watches the inbox with the conversation in it.
    const m = manager.page;
    await m.setViewportSize({ width: 1360, height: 900 });
    await loggedIn(m);
    await m.goto(`${e2e.webUrl}/contacts/${contactId}`);
    await m.getByTestId('contact-title').filter({ hasText: name }).waitFor();
    expect(await m.getByTestId('danger-zone').count()).toBe(0);
    await m.goto(`${e2e.webUrl}/inbox`);
    const conversation = m.getByTestId('conversation').filter({ hasText: name });
    await conversation.waitFor({ timeout: 15_000 });
    await expect.poll(() => m.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');

    const admin = await openBrowser();
    try {
      const a = admin.page;
      await login(a, e2e.webUrl, ADMIN);
      await a.goto(`${e2e.webUrl}/contacts/${contactId}`);
      await a.getByTestId('contact-title').filter({ hasText: name }).waitFor();
      await a.getByTestId('danger-zone').getByRole('button', { name: 'Excluir contato e dados (LGPD)' }).click();
      const dialog = a.getByTestId('erase-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('Fica: os negócios');
      const confirm = dialog.getByTestId('erase-confirm');
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Para confirmar, digite:').fill('Rita');
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Para confirmar, digite:').fill(name);
      expect(await confirm.isEnabled()).toBe(true);
      await screenshot(a, 'crm-contact-erase');
      await confirm.click();

      await a.waitForURL(/\/contacts$/);
      await expect
        .poll(() => a.getByTestId('contacts-notice').textContent())
        .toContain('Contato excluído e dados apagados (conversas: 1, mensagens: 1, arquivos: 0).');
      // The manager's open inbox dropped the conversation without a reload.
      await conversation.waitFor({ state: 'detached', timeout: 15_000 });
      // The contact page is gone: the app's not-found state.
      await a.goto(`${e2e.webUrl}/contacts/${contactId}`);
      await a.getByRole('alert').filter({ hasText: 'Não encontrado.' }).waitFor();
      expect(await a.getByTestId('contact-page').count()).toBe(0);
      expect((await api.call('GET', `/api/v1/contacts/${contactId}`)).status).toBe(404);
    } finally {
      await admin.close();
    }
  });
});
