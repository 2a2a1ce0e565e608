// Issue 17 in a browser: an admin creates departments and the welcome menu (with its live preview) in Settings; a
// customer writes, gets the menu as WhatsApp buttons, taps "Suporte", and lands in that department's queue, where an
// agent of the department finds it (marked, with the bot's messages labelled automatic) and takes it.
// Real worker, real Postgres, the fake Meta.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, AGENT, DEMO_NUMBER, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const RITA = { phone: '5511965430001', name: 'Rita Menu' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation').filter({ hasText: name });
}

describe.skipIf(!browserAvailable('web/e2e/service-desk.test.ts'))('service desk: departments and the welcome menu', () => {
  let e2e: E2E;
  let admin: Person;
  let agent: Person;
  let current: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E();
    admin = await openBrowser();
    agent = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => current));
  afterAll(async () => {
    await admin?.close();
    await agent?.close();
    await e2e?.stop();
  });

  it('an admin creates the departments, with members', async () => {
    const { page } = admin;
    current = page;
    await login(page, e2e.webUrl, ADMIN);
    await page.goto(`${e2e.webUrl}/settings/departments`);
    await page.getByRole('heading', { name: 'Departamentos', level: 2 }).waitFor();
    await page.getByTestId('department-new').click();
    await page.getByTestId('department-name').fill('Suporte');
    await page.getByTestId('department-members').getByLabel(/Alice Agente/).check();
    await page.getByTestId('department-greeting').fill('Oi! Aqui é o Suporte da Loja Demo. Já vamos te atender.');
    await page.getByTestId('department-save').click();
    await page.getByTestId('department-list').locator('li[data-name="Suporte"]').waitFor();
    expect(await page.getByTestId('department-list').locator('li[data-name="Suporte"]').textContent()).toContain('Alice Agente');

    await page.getByTestId('department-new').click();
    await page.getByTestId('department-name').fill('Vendas');
    await page.getByTestId('department-save').click();
    await page.getByTestId('department-list').locator('li[data-name="Vendas"]').waitFor();
    // The same name again is refused next to the field.
    await page.getByTestId('department-new').click();
    await page.getByTestId('department-name').fill('vendas');
    await page.getByTestId('department-save').click();
    await expect.poll(() => page.getByTestId('department-form').locator('.field-error, .alert-error').first().textContent()).toBeTruthy();
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await screenshot(page, 'settings-departments', { scrollTop: '.settings-body' });
  });

  it('an admin sets up the welcome menu and sees the preview the customer will get', async () => {
    const { page } = admin;
    current = page;
    await page.getByTestId('settings-automation').click();
    const form = page.getByTestId('automation-form');
    await form.waitFor();
    await page.getByTestId('bot-enabled').check();
    await page.getByTestId('menu-add').click();
    await page.getByLabel('Opção 1: texto').fill('Vendas');
    await page.getByLabel('Opção 1: leva para').selectOption({ label: 'Vendas' });
    await page.getByTestId('menu-add').click();
    await page.getByLabel('Opção 2: texto').fill('Suporte');
    await page.getByLabel('Opção 2: leva para').selectOption({ label: 'Suporte' });
    // Two short options: WhatsApp reply buttons, in the preview too.
    const preview = page.getByTestId('bot-preview');
    await expect.poll(() => preview.locator('.bubble-buttons span').allTextContents()).toEqual(['Vendas', 'Suporte']);
    // Business hours with a lunch break on Mondays (kept off: this walk must not depend on the clock).
    await page.getByLabel('Segunda 1: fecha às').fill('12:00');
    await page.getByRole('button', { name: 'Adicionar um horário na Segunda' }).click();
    await page.getByLabel('Segunda 2: abre às').fill('13:30');
    // And the satisfaction survey on resolve.
    await page.getByTestId('csat-enabled').check();
    await page.getByTestId('automation-save').click();
    await expect.poll(() => page.locator('.settings-body .alert-success').first().textContent()).toContain('Atendimento automático salvo');
    await screenshot(page, 'settings-automation', { scrollTop: '.settings-body' });
    // Saved: it is there after a reload.
    await page.reload();
    await expect.poll(() => page.getByLabel('Opção 2: texto').inputValue()).toBe('Suporte');
    expect(await page.getByTestId('bot-enabled').isChecked()).toBe(true);
    expect(await page.getByTestId('csat-enabled').isChecked()).toBe(true);
    expect(await page.getByLabel('Segunda 1: fecha às').inputValue()).toBe('12:00');
    expect(await page.getByLabel('Segunda 2: abre às').inputValue()).toBe('13:30');
  });

  it('a customer taps "Suporte" in the menu and lands in its queue, where an agent of the department takes it', async () => {
    await customerSays(e2e, RITA.phone, RITA.name, 'Boa tarde! Meu pedido veio com defeito.');
    const sent = () => e2e.stack.fakeMeta.sentMessages({ to: RITA.phone });
    await expect.poll(() => sent().filter((m) => m.type === 'interactive').length, { timeout: 20_000 }).toBe(1);
    const menu = sent().find((m) => m.type === 'interactive')!.request as { interactive: { action: { buttons: { reply: { id: string; title: string } }[] } } };
    const support = menu.interactive.action.buttons.find((b) => b.reply.title === 'Suporte')!;
    const tap = await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from: RITA.phone, name: RITA.name, type: 'button_reply', replyId: support.reply.id, title: 'Suporte' });
    expect(tap.webhookStatus).toBe(200);
    await expect.poll(() => sent().filter((m) => m.type === 'text').map((m) => (m.request as { text: { body: string } }).text.body), { timeout: 20_000 }).toEqual([
      'Oi! Aqui é o Suporte da Loja Demo. Já vamos te atender.',
    ]);

    const { page } = agent;
    current = page;
    await login(page, e2e.webUrl, AGENT);
    await page.getByTestId('filter-unassigned').click();
    const rita = row(page, RITA.name);
    await rita.waitFor({ timeout: 15_000 });
    await expect.poll(() => rita.getByTestId('conv-department').textContent()).toContain('Suporte');
    await page.getByTestId('department-filter').selectOption({ label: 'Suporte' });
    await rita.waitFor();
    await screenshot(page, 'inbox-department-queue');
    await rita.click();
    const chat = page.getByTestId('messages');
    await chat.getByText('Meu pedido veio com defeito').waitFor();
    // The bot's messages are marked automatic, and the routing is in the timeline.
    await expect.poll(() => chat.getByTestId('automatic').count()).toBe(2);
    await expect.poll(() => chat.getByTestId('activity').first().textContent()).toContain('O menu automático encaminhou para a fila Suporte');
    await page.getByRole('button', { name: 'Assumir' }).click();
    await expect.poll(() => page.locator('.chat-actions').textContent()).toContain('Com você');
    // Taken: it leaves the queue ("Na fila" lists unassigned conversations).
    await expect.poll(() => rita.count()).toBe(0);
    await screenshot(page, 'chat-after-menu');

    // Resolved: the customer is asked for a rating (a list on WhatsApp), taps 5 and leaves a comment; the chat's
    // contact panel shows it.
    await page.getByTestId('resolve').click();
    await expect.poll(() => sent().filter((m) => m.type === 'interactive').length, { timeout: 20_000 }).toBe(2);
    const rate = await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from: RITA.phone, name: RITA.name, type: 'list_reply', replyId: 'csat:5', title: '5 - Excelente' });
    expect(rate.webhookStatus).toBe(200);
    await customerSays(e2e, RITA.phone, RITA.name, 'Resolveram rápido, obrigada!');
    const rating = page.getByTestId('csat');
    await expect.poll(() => rating.getAttribute('data-rating'), { timeout: 20_000 }).toBe('5');
    await expect.poll(() => rating.textContent(), { timeout: 20_000 }).toContain('Resolveram rápido');
    await screenshot(page, 'chat-csat');
  });
});
