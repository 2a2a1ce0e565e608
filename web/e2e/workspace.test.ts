// The team's shared tools around the chat: an admin keeps labels and canned responses in settings, an agent uses
// them (a /shortcut in the composer, a label from the contact panel, the list's label filter), finds a customer's
// message with an accent-less, differently inflected search, reacts to it (the reaction reaches WhatsApp), and a
// manager sees the agent's name while she types. Real worker, real Postgres, the fake Meta.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN, AGENT, MANAGER, apiAs, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E,
  type E2E, type Person,
} from './support';

const MARIA = { phone: '5511987650001', name: 'Maria Pagamentos' };
const JOAO = { phone: '5521987650002', name: 'João Entregas' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation').filter({ hasText: name });
}

describe.skipIf(!browserAvailable('web/e2e/workspace.test.ts'))('workspace: labels, canned responses, search, reactions, team', () => {
  let e2e: E2E;
  let admin: Person;
  let agent: Person;
  let current: Page | undefined;
  let mariaConversation = '';

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

  it('admin creates a label in settings, with the API’s validation shown next to the field', async () => {
    const { page } = admin;
    current = page;
    await login(page, e2e.webUrl, ADMIN);
    await page.goto(`${e2e.webUrl}/settings/labels`);
    await page.getByRole('heading', { name: 'Etiquetas', level: 2 }).waitFor();
    await page.getByTestId('label-new').click();
    await page.getByTestId('label-name').fill('VIP');
    await page.getByRole('radio', { name: 'Azul' }).check();
    await page.getByTestId('label-description').fill('Clientes que compram todo mês');
    await page.getByTestId('label-save').click();
    const vip = page.getByTestId('label-list').locator('li[data-name="VIP"]');
    await vip.waitFor();
    expect(await vip.textContent()).toContain('Clientes que compram todo mês');
    expect(await vip.locator('.label-dot').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 78, 216)');

    // The same name again: the server's 409 is shown under the name field, which is marked invalid.
    await page.getByTestId('label-new').click();
    await page.getByTestId('label-name').fill('vip');
    await page.getByTestId('label-save').click();
    const nameField = page.getByTestId('label-form').getByTestId('label-name');
    await expect.poll(() => nameField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await nameField.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).textContent()).toBe('Já existe uma etiqueta com este nome.');
    await page.getByTestId('label-name').fill('Atacado');
    await page.getByRole('radio', { name: 'Laranja' }).check();
    await page.getByTestId('label-save').click();
    await page.getByTestId('label-list').locator('li[data-name="Atacado"]').waitFor();
    await screenshot(page, 'settings-labels', { scrollTop: '.settings-body' });

    // Edit, then delete after a confirmation (declining keeps it).
    await page.getByRole('button', { name: 'Editar etiqueta Atacado' }).click();
    await page.getByTestId('label-description').fill('Compras acima de 50 unidades');
    await page.getByTestId('label-save').click();
    await page.getByTestId('label-list').locator('li[data-name="Atacado"]').getByText('Compras acima de 50 unidades').waitFor();
    await page.getByTestId('label-new').click();
    await page.getByTestId('label-name').fill('Temporária');
    await page.getByTestId('label-save').click();
    const temp = page.getByTestId('label-list').locator('li[data-name="Temporária"]');
    await temp.waitFor();
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Excluir etiqueta Temporária' }).click();
    expect(await temp.count()).toBe(1);
    page.once('dialog', (d) => {
      expect(d.message()).toContain('Temporária');
      void d.accept();
    });
    await page.getByRole('button', { name: 'Excluir etiqueta Temporária' }).click();
    await expect.poll(() => temp.count()).toBe(0);
    const names = await (await apiAs(e2e.apiUrl, ADMIN)).call<{ data: { name: string }[] }>('GET', '/api/v1/labels');
    expect(names.body.data.map((l) => l.name)).toEqual(['Atacado', 'VIP']);
  });

  it('admin creates a canned response; an unknown variable is refused next to the text', async () => {
    const { page } = admin;
    current = page;
    await page.getByTestId('settings-canned-responses').click();
    await page.getByTestId('canned-new').click();
    await page.getByTestId('canned-shortcut').fill('pix');
    await page.getByTestId('canned-title').fill('Pagamento por Pix');
    await page.getByTestId('canned-body').fill('Olá {{contact.nome}}! A chave Pix é pix@loja.demo.');
    await page.getByTestId('canned-save').click();
    const body = page.getByTestId('canned-body');
    await expect.poll(() => body.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${(await body.getAttribute('aria-describedby'))!.split(' ').pop()}`).textContent()).toMatch(/^Variável desconhecida\. .*\{\{contact\.nome\}\}/);
    await screenshot(page, 'settings-canned-form-error', { scrollTop: '.settings-body' });

    // Fixed with the variable button, which inserts at the cursor.
    await body.fill('Olá ! A chave Pix é pix@loja.demo.');
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(4, 4));
    await page.getByRole('button', { name: '{{contact.first_name}}' }).click();
    await expect.poll(() => body.inputValue()).toBe('Olá {{contact.first_name}}! A chave Pix é pix@loja.demo.');
    await page.getByTestId('canned-save').click();
    const pix = page.getByTestId('canned-list').locator('li[data-shortcut="pix"]');
    await pix.waitFor();
    expect(await pix.locator('.item-vars').textContent()).toContain('{{contact.first_name}}');
    await screenshot(page, 'settings-canned-responses', { scrollTop: '.settings-body' });
  });

  it('the agent uses the canned response with /shortcut and tags the conversation from the contact panel', async () => {
    const { page } = agent;
    current = page;
    await customerSays(e2e, MARIA.phone, MARIA.name, 'Pagamentos pendentes não chegaram');
    await customerSays(e2e, JOAO.phone, JOAO.name, 'Quando chega minha entrega?');

    // Maria is a customer with history: a custom field and an open deal, which the panel shows.
    const adminApi = await apiAs(e2e.apiUrl, ADMIN);
    const list = await adminApi.call<{ data: { id: string; contact: { id: string; name: string | null; profileName: string | null } }[] }>('GET', '/api/v1/conversations');
    const maria = list.body.data.find((c) => (c.contact.name ?? c.contact.profileName) === MARIA.name)!;
    mariaConversation = maria.id;
    expect((await adminApi.call('POST', '/api/v1/contact-attributes', { key: 'cliente_desde', label: 'Cliente desde', type: 'date' })).status).toBe(201);
    expect((await adminApi.call('PATCH', `/api/v1/contacts/${maria.contact.id}`, { attributes: { cliente_desde: '2024-03-05' } })).status).toBe(200);
    expect((await adminApi.call('POST', '/api/v1/deals', { title: 'Pedido atacado', valueCents: 123450, currency: 'BRL', contactId: maria.contact.id })).status).toBe(201);

    await login(page, e2e.webUrl, AGENT);
    await row(page, MARIA.name).click();
    await page.getByTestId('messages').getByText('Pagamentos pendentes não chegaram').waitFor();

    const input = page.getByTestId('composer-input');
    await input.fill('/pi');
    await page.getByRole('option', { name: /pix/ }).waitFor();
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Olá Maria! A chave Pix é pix@loja.demo.');
    await input.press('Enter');
    await page.getByTestId('message').filter({ hasText: 'A chave Pix é pix@loja.demo.' }).waitFor();
    await expect
      .poll(() => e2e.stack.fakeMeta.sentMessages({ to: MARIA.phone }).some((m) => (m.request as { text?: { body?: string } }).text?.body === 'Olá Maria! A chave Pix é pix@loja.demo.'), { timeout: 15_000 })
      .toBe(true);

    const panel = page.getByTestId('contact-panel');
    await panel.getByTestId('contact-deal').filter({ hasText: 'Pedido atacado' }).waitFor();
    expect((await panel.getByTestId('contact-deal').textContent())!.replace(/\s/g, ' ')).toContain('R$ 1.234,50');
    expect(await panel.getByTestId('contact-attributes').textContent()).toContain('5 de mar. de 2024');
    expect(await panel.getByTestId('edit-contact').getAttribute('href')).toBe(`/contacts/${maria.contact.id}`);

    // The picker: keyboard-first; Enter on a single match applies it.
    await panel.getByTestId('add-conversation-label').click();
    await page.keyboard.type('vip');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const chip = panel.getByTestId('conversation-labels').getByTestId('label-chip').filter({ hasText: 'VIP' });
    await chip.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('add-conversation-label');
    // The contact gets a label too, by mouse.
    await panel.getByTestId('add-contact-label').click();
    await page.locator('.picker').getByRole('button', { name: 'Atacado' }).click();
    await panel.getByTestId('contact-labels').getByTestId('label-chip').filter({ hasText: 'Atacado' }).waitFor();
    await page.keyboard.press('Escape');
    await panel.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await screenshot(page, 'inbox-contact-panel');
    // Renamed elsewhere: the contact's chip follows live (label.updated on the inbox socket), then back.
    const atacado = (await adminApi.call<{ data: { id: string; name: string }[] }>('GET', '/api/v1/labels')).body.data.find((l) => l.name === 'Atacado')!;
    expect((await adminApi.call('PATCH', `/api/v1/labels/${atacado.id}`, { name: 'Atacado e varejo' })).status).toBe(200);
    await panel.getByTestId('contact-labels').getByTestId('label-chip').filter({ hasText: 'Atacado e varejo' }).waitFor();
    expect((await adminApi.call('PATCH', `/api/v1/labels/${atacado.id}`, { name: 'Atacado' })).status).toBe(200);
    await expect.poll(() => panel.getByTestId('contact-labels').getByTestId('label-chip').filter({ hasText: 'Atacado e varejo' }).count()).toBe(0);

    // Saved on the server, and the row shows the chip.
    const agentApi = await apiAs(e2e.apiUrl, AGENT);
    const labels = await agentApi.call<{ data: { name: string }[] }>('GET', `/api/v1/conversations/${maria.id}/labels`);
    expect(labels.body.data.map((l) => l.name)).toEqual(['VIP']);
    await row(page, MARIA.name).getByTestId('label-chip').filter({ hasText: 'VIP' }).waitFor();

    // The list's label filter: only Maria's conversation.
    await expect.poll(() => page.getByTestId('conversation').count()).toBe(2);
    const vipId = await page.getByTestId('label-filter').locator('option', { hasText: 'VIP' }).getAttribute('value');
    await page.getByTestId('label-filter').selectOption(vipId!);
    await expect.poll(() => page.getByTestId('conversation').count()).toBe(1);
    expect(await page.getByTestId('conversation').getAttribute('data-id')).toBe(maria.id);
    await page.getByTestId('label-filter').selectOption('');
    await expect.poll(() => page.getByTestId('conversation').count()).toBe(2);
  });

  it('finds a message without accents and in another inflection, and opens it', async () => {
    const { page } = agent;
    current = page;
    await row(page, JOAO.name).click();
    await page.getByTestId('messages').getByText('Quando chega minha entrega?').waitFor();

    const search = page.getByTestId('search');
    await search.fill('pagamento nao');
    const hit = page.getByTestId('search-message').filter({ hasText: 'pendentes' });
    await hit.waitFor();
    // The matched words are marked, as text (the snippet is never parsed as HTML).
    const marked = await hit.locator('mark').allTextContents();
    expect(marked.map((m) => m.toLowerCase())).toContain('pagamentos');
    // Announced to screen readers in Portuguese, singular for one (not "1 mensagens e 1 contatos").
    await expect
      .poll(() => page.getByTestId('search-results').getByRole('status').textContent())
      .toBe('1 mensagem e 1 contato encontrado.');
    expect(await page.getByTestId('conversation').count()).toBe(0);
    await screenshot(page, 'inbox-search');
    await hit.click();
    await page.waitForURL(new RegExp(`/inbox/${mariaConversation}$`));
    await page.getByTestId('messages').getByText('Pagamentos pendentes não chegaram').waitFor();
    expect(await page.getByTestId('chat-title').textContent()).toBe(MARIA.name);
    // The found message is brought into view and flashed.
    await expect.poll(() => page.locator('.msg-flash').textContent()).toContain('Pagamentos pendentes não chegaram');

    // Escape in the box goes back to the list.
    await search.focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => search.inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('conversation').count()).toBe(2);
    expect(await page.getByTestId('search-results').count()).toBe(0);
  });

  it('reacts 👍 to a customer message: shown at once, sent to WhatsApp, removed by choosing it again', async () => {
    const { page } = agent;
    current = page;
    const customerMsg = page.getByTestId('message').filter({ hasText: 'Pagamentos pendentes não chegaram' });
    const rowEl = page.locator('.msg-row').filter({ has: customerMsg });
    await rowEl.hover();
    await rowEl.getByTestId('react').click();
    // Keyboard: the first emoji has focus; Enter picks it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('👍');
    await page.keyboard.press('Enter');
    const mine = customerMsg.locator('[data-testid=reactions] li[data-by=business]');
    await mine.waitFor();
    expect(await mine.textContent()).toContain('👍');

    const agentApi = await apiAs(e2e.apiUrl, AGENT);
    // The chat shows the reaction at once (optimistic); the server has it once its POST returns.
    const stored = async () =>
      (
        await agentApi.call<{ data: { body: string | null; providerMessageId: string | null; reactions: { emoji: string; contactId: string | null }[] }[] }>(
          'GET',
          `/api/v1/conversations/${mariaConversation}/messages`,
        )
      ).body.data.find((m) => m.body === 'Pagamentos pendentes não chegaram')!;
    await expect.poll(async () => (await stored()).reactions).toEqual([expect.objectContaining({ emoji: '👍', contactId: null })]);
    const target = await stored();
    const reactionSent = () =>
      e2e.stack.fakeMeta
        .sentMessages({ to: MARIA.phone })
        .filter((m) => m.type === 'reaction')
        .map((m) => (m.request as { reaction: { message_id: string; emoji: string } }).reaction);
    await expect.poll(reactionSent, { timeout: 15_000 }).toEqual([{ message_id: target.providerMessageId, emoji: '👍' }]);
    await screenshot(page, 'inbox-reaction');

    // The same emoji again removes it (an empty emoji to WhatsApp).
    await rowEl.hover();
    await rowEl.getByTestId('react').click();
    await page.getByRole('button', { name: 'Remover a reação 👍' }).click();
    await expect.poll(() => mine.count()).toBe(0);
    await expect.poll(() => reactionSent().at(-1), { timeout: 15_000 }).toEqual({ message_id: target.providerMessageId, emoji: '' });
  });

  it("shows the agent's name to a manager while she types", async () => {
    const manager = await openBrowser();
    try {
      const { page } = manager;
      current = page;
      await login(page, e2e.webUrl, MANAGER);
      await page.goto(`${e2e.webUrl}/inbox/${mariaConversation}`);
      await page.getByTestId('messages').getByText('Pagamentos pendentes não chegaram').waitFor();
      await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
      // The agent's chat socket is open too before she types.
      await expect.poll(() => agent.page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
      await expect
        .poll(
          async () => {
            await agent.page.getByTestId('composer-input').pressSequentially('Só um instante', { delay: 20 });
            await agent.page.getByTestId('composer-input').fill('');
            return page.locator('.typing').textContent();
          },
          { timeout: 20_000, interval: 3_500 },
        )
        .toBe('Alice Agente está digitando…');
    } finally {
      current = agent.page;
      await manager.close();
    }
  });

  it('fits a phone: search results, then the chat, then the contact pane over it', async () => {
    const phone = await openBrowser({ width: 375, height: 740 });
    try {
      const { page } = phone;
      current = page;
      await login(page, e2e.webUrl, AGENT);
      await page.getByTestId('search').fill('pagamentos');
      await page.getByTestId('search-message').first().waitFor();
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'inbox-phone-search');
      await page.getByTestId('search-message').first().click();
      await page.getByTestId('chat').waitFor();
      await page.getByTestId('contact-toggle').click();
      const panel = page.getByTestId('contact-panel');
      await panel.getByTestId('conversation-labels').getByTestId('label-chip').filter({ hasText: 'VIP' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await panel.getByTestId('add-contact-label').click();
      await page.locator('.picker').waitFor();
      const box = (await page.locator('.picker').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      await screenshot(page, 'inbox-phone-contact-panel');
    } finally {
      current = agent.page;
      await phone.close();
    }
  });
});
