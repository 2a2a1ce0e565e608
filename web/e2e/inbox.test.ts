// The agent's day: log in, a customer writes and it shows up live, reply and watch the ticks reach "read", the
// 24 h window closes and only a template can go out, another agent's conversation stays closed, polling fallback,
// and the phone layout. Runs against the real worker, real Postgres and the fake Meta.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN, AGENT, MANAGER, apiAs, browserAvailable, customerSays, DEMO_NUMBER, login, mailedToken, openBrowser, screenshot,
  shootOnFailure, startE2E, type E2E, type Person,
} from './support';

const MARIA = { phone: '5511987654321', name: 'Maria Silva' };
const ANA = { phone: '5531998887777', name: 'Ana Costa' };
const CARLOS = { phone: '5541999990000', name: 'Carlos Souza' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation').filter({ hasText: name });
}

describe.skipIf(!browserAvailable('web/e2e/inbox.test.ts'))('inbox (agent)', () => {
  let e2e: E2E;
  let agent: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    agent = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => agent?.page));
  afterAll(async () => {
    await agent?.close();
    await e2e?.stop();
  });

  it('logs in and sees the empty inbox, live', async () => {
    const { page } = agent;
    await page.goto(`${e2e.webUrl}/inbox`);
    await page.waitForURL(/\/login\?next=/);
    await expect.poll(() => page.getByRole('heading', { name: 'Entrar no Conversa' }).isVisible()).toBe(true);
    await screenshot(page, 'login');
    await login(page, e2e.webUrl, AGENT);
    await page.getByText('Nenhuma conversa aqui.').waitFor();
    await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toMatch(/live|polling/);
  });

  it('shows a customer message live in the list and in the chat', async () => {
    const { page } = agent;
    await customerSays(e2e, MARIA.phone, MARIA.name, 'Olá! Meu pedido #1234 ainda não chegou. Podem verificar?');
    const maria = row(page, MARIA.name);
    await maria.waitFor({ timeout: 15_000 });
    await expect.poll(() => maria.getByTestId('unread').textContent()).toContain('1');
    await maria.click();
    await page.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    const chat = page.getByTestId('messages');
    await chat.getByText('Meu pedido #1234 ainda não chegou').waitFor();
    // Opening it reads it: no badge while it is open.
    await expect.poll(() => maria.getByTestId('unread').count()).toBe(0);

    await customerSays(e2e, MARIA.phone, MARIA.name, 'É o pedido feito na segunda-feira 🙏');
    await chat.getByText('É o pedido feito na segunda-feira').waitFor({ timeout: 15_000 });
    await expect.poll(() => maria.textContent()).toContain('segunda-feira');

    // A photo: downloaded from Meta into R2 by the worker, shown through the media endpoint with the agent's token.
    await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from: MARIA.phone, name: MARIA.name, type: 'image', caption: 'Foto da caixa' });
    const photo = page.getByTestId('message').filter({ hasText: 'Foto da caixa' });
    await expect.poll(() => photo.locator('img').getAttribute('src'), { timeout: 20_000 }).toMatch(/^blob:/);
    expect(await photo.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // A voice note this browser cannot decode (the fake's placeholder bytes): said so, with the file to download,
    // instead of a player that silently does nothing.
    await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from: MARIA.phone, name: MARIA.name, type: 'voice' });
    const note = page.getByTestId('media-audio-error').last();
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toContain('não consegue tocar este áudio');
    expect(await note.getByTestId('media-download').getAttribute('href')).toMatch(/^blob:/);
  });

  it('replies (quoting the customer) and sees the ticks advance to read; notes stay private', async () => {
    const { page } = agent;
    const input = page.getByTestId('composer-input');
    // "/" opens the canned responses; {{variables}} are filled in for this customer. On a server without them yet,
    // the menu says so.
    const admin = await apiAs(e2e.apiUrl, ADMIN);
    const created = await admin.call('POST', '/api/v1/canned-responses', { shortcut: 'prazo', title: 'Prazo de entrega', body: 'Olá {{contact.first_name}}! O prazo é de 3 dias úteis.' });
    await input.fill('/pra');
    if (created.status === 201) {
      await page.getByRole('option', { name: /prazo/ }).waitFor();
      await input.press('Enter');
      await expect.poll(() => input.inputValue()).toBe('Olá Maria! O prazo é de 3 dias úteis.');
    } else {
      expect(created.status).toBe(404);
      await page.getByText('Respostas prontas ainda não estão disponíveis.').waitFor();
      await input.press('Escape');
    }
    await input.fill('');

    await page.getByRole('button', { name: /^Responder: Olá! Meu pedido #1234/ }).click();
    await page.getByText('Respondendo a:').waitFor();
    await input.fill('Oi Maria! Vou verificar agora mesmo 😊');
    await input.press('Enter');
    const reply = page.getByTestId('message').filter({ hasText: 'Vou verificar agora mesmo' });
    await reply.waitFor();
    await reply.locator('.quote').getByText('Meu pedido #1234').waitFor();
    expect(await page.getByText('Respondendo a:').count()).toBe(0);
    await expect.poll(() => reply.getAttribute('data-status'), { timeout: 20_000 }).toBe('read');
    await expect.poll(() => reply.locator('[data-tick]').getAttribute('data-tick')).toBe('read');
    const sent = e2e.stack.fakeMeta.sentMessages({ to: MARIA.phone });
    const out = sent.find((m) => (m.request as { text?: { body?: string } }).text?.body === 'Oi Maria! Vou verificar agora mesmo 😊');
    expect(out).toBeDefined();
    // Quoted on WhatsApp too.
    expect((out!.request as { context?: { message_id?: string } }).context?.message_id).toMatch(/^wamid\./);

    await page.getByTestId('mode-note').click();
    await input.fill('Cliente VIP: conferir com a transportadora');
    await page.getByTestId('send').click();
    const note = page.locator('[data-testid=message][data-private=true]').filter({ hasText: 'conferir com a transportadora' });
    await note.waitFor();
    // Saved on the server (a real id replaces the optimistic one), never sent to WhatsApp.
    await expect.poll(() => note.getAttribute('id')).not.toMatch(/local-/);
    expect(await note.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 241, 184)');
    expect(e2e.stack.fakeMeta.sentMessages({ to: MARIA.phone })).toHaveLength(sent.length);
    // The list keeps previewing what the customer saw, never the note.
    await expect.poll(() => row(page, MARIA.name).textContent()).toContain('Vou verificar agora mesmo');
    expect(await row(page, MARIA.name).textContent()).not.toContain('conferir com a transportadora');
    await page.getByTestId('mode-reply').click();
    await screenshot(page, 'inbox-chat');
  });

  it('sends an attachment with a caption', async () => {
    const { page } = agent;
    // A 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.getByTestId('file-input').setInputFiles({ name: 'comprovante.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('attachment').getByText('comprovante.png').waitFor();
    await page.getByTestId('composer-input').fill('Segue o comprovante');
    await page.getByTestId('send').click();
    const sentFile = page.locator('[data-testid=message][data-kind=image]').filter({ hasText: 'Segue o comprovante' });
    await sentFile.waitFor();
    await expect.poll(() => sentFile.getAttribute('data-status'), { timeout: 20_000 }).toMatch(/sent|delivered|read/);
    // Served back from R2 through the media endpoint once stored.
    await expect.poll(() => sentFile.locator('img').getAttribute('src')).toMatch(/^blob:/);
    const out = e2e.stack.fakeMeta.sentMessages({ to: MARIA.phone }).find((m) => m.type === 'image');
    expect(out).toBeDefined();
    expect((out!.request as { image?: { id?: string; caption?: string } }).image).toMatchObject({ caption: 'Segue o comprovante' });
  });

  it('shows why a message failed, on tap', async () => {
    const { page } = agent;
    // The customer's number stops being reachable: Meta accepts, then reports "failed" with code 131026.
    e2e.stack.fakeMeta.markUnreachable(MARIA.phone);
    try {
      await page.getByTestId('composer-input').fill('Conseguiu ver a mensagem anterior?');
      await page.getByTestId('composer-input').press('Enter');
      await expect.poll(() => page.getByTestId('message').filter({ hasText: 'Conseguiu ver a mensagem anterior?' }).getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    } finally {
      e2e.stack.fakeMeta.state.unreachable.delete(MARIA.phone);
    }
    const msg = page.getByTestId('message').filter({ hasText: 'Conseguiu ver a mensagem anterior?' });
    const tick = msg.getByRole('button', { name: /^Falhou/ });
    expect(await tick.getAttribute('title')).toMatch(/^Falhou: /);
    await tick.click();
    await msg.getByRole('note').waitFor();
    expect(await msg.getByRole('note').textContent()).toContain('131026');
  });

  it('took the conversation by replying; snoozes, reopens and resolves it, each step in the timeline', async () => {
    const { page } = agent;
    const status = page.getByTestId('chat-status');
    // The reply earlier made the agent its assignee (assign on reply), and the timeline says so.
    await page.locator('.chat-actions').getByText('Com você').waitFor();
    await expect.poll(() => row(page, MARIA.name).textContent()).toContain('Com você');
    await page.getByTestId('activity').filter({ hasText: 'Você assumiu a conversa' }).waitFor();

    await page.getByRole('button', { name: 'Adiar' }).click();
    await page.getByRole('button', { name: 'Por 1 hora' }).click();
    await expect.poll(() => status.textContent()).toBe('Adiada');
    // The list shows open conversations: a snoozed one leaves it, the chat stays.
    await expect.poll(() => row(page, MARIA.name).count()).toBe(0);

    await page.getByTestId('reopen').click();
    await expect.poll(() => status.textContent()).toBe('Aberta');
    await row(page, MARIA.name).waitFor();

    await page.getByTestId('resolve').click();
    await expect.poll(() => status.textContent()).toBe('Resolvida');
    await page.getByTestId('reopen').click();
    await expect.poll(() => status.textContent()).toBe('Aberta');
    const trail = await page.getByTestId('activity').allTextContents();
    expect(trail.map((line) => line.split(' · ')[0])).toEqual([
      'Você assumiu a conversa',
      expect.stringMatching(/^Você adiou até /),
      'Você reabriu a conversa',
      'Você resolveu a conversa',
      'Você reabriu a conversa',
    ]);
  });

  it('moves through the list with the keyboard', async () => {
    const { page } = agent;
    await customerSays(e2e, '5511933332222', 'Beatriz Lima', 'Olá, bom dia');
    await row(page, 'Beatriz Lima').waitFor({ timeout: 15_000 });
    const rows = page.getByTestId('conversation');
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    expect(focused).toBe(await rows.nth(1).getAttribute('data-id'));
    // The list is one Tab stop: only one row is tabbable.
    expect(await page.locator('a.conv[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/inbox/${await rows.first().getAttribute('data-id')}$`));
    await page.getByTestId('chat').waitFor();
    // Enter on a conversation puts the focus in the reply box.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    // Shortcuts, outside the box: "?" lists them; j/k move between conversations; "n" writes a note, "r" replies.
    await page.getByTestId('chat-title').click();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts');
    await help.getByRole('heading', { name: 'Atalhos do teclado' }).waitFor();
    await screenshot(page, 'inbox-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    const firstId = await rows.first().getAttribute('data-id');
    const secondId = await rows.nth(1).getAttribute('data-id');
    await page.keyboard.press('j');
    await page.waitForURL(new RegExp(`/inbox/${secondId}$`));
    await page.keyboard.press('k');
    await page.waitForURL(new RegExp(`/inbox/${firstId}$`));
    await page.getByTestId('chat').waitFor();
    await page.getByTestId('chat-title').click();
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('composer').getAttribute('data-mode')).toBe('note');
    await page.getByTestId('chat-title').click();
    await page.keyboard.press('r');
    await expect.poll(() => page.getByTestId('composer').getAttribute('data-mode')).not.toBe('note');
    await page.getByTestId('chat-title').click();
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search');
  });

  it('switches to templates when the 24 h window is closed', async () => {
    const { page } = agent;
    // Templates come from Meta through an admin's sync.
    const admin = await apiAs(e2e.apiUrl, ADMIN);
    const channels = await admin.call<{ data: { id: string; phoneNumberId: string }[] }>('GET', '/api/v1/channels');
    const channel = channels.body.data.find((c) => c.phoneNumberId === DEMO_NUMBER.phoneNumberId)!;
    expect((await admin.call('POST', `/api/v1/channels/${channel.id}/templates/sync`)).status).toBe(200);

    // Ana last wrote 26 hours ago.
    await customerSays(e2e, ANA.phone, ANA.name, 'Oi, quero trocar um produto', { timestamp: Math.floor(Date.now() / 1000) - 26 * 3600 });
    await row(page, ANA.name).click();
    await page.getByTestId('messages').getByText('quero trocar um produto').waitFor();
    const composer = page.getByTestId('composer');
    await expect.poll(() => composer.getAttribute('data-mode')).toBe('template');
    expect(await page.getByTestId('window-closed').textContent()).toContain('janela de 24 horas está fechada');
    expect(await page.getByTestId('composer-input').count()).toBe(0);

    const select = page.getByTestId('template-select');
    await select.locator('option', { hasText: 'retomar_atendimento' }).waitFor({ state: 'attached' });
    const value = await select.locator('option', { hasText: 'retomar_atendimento' }).getAttribute('value');
    await select.selectOption(value!);
    await page.getByTestId('template-var-1').fill('Ana');
    await page.getByTestId('template-var-2').fill('Loja Demo');
    await page.locator('.template-preview').getByText('Olá, Ana! Aqui é a Loja Demo.').waitFor();
    await screenshot(page, 'inbox-template');
    await page.getByTestId('send-template').click();

    const sentTemplate = page.locator('[data-testid=message][data-kind=template]');
    await sentTemplate.waitFor();
    await expect.poll(() => sentTemplate.getAttribute('data-status'), { timeout: 20_000 }).toMatch(/sent|delivered|read/);
    const out = e2e.stack.fakeMeta.sentMessages({ to: ANA.phone });
    expect(out).toHaveLength(1);
    expect(out[0]!.type).toBe('template');
    expect((out[0]!.request as { template: { name: string } }).template.name).toBe('retomar_atendimento');
  });

  it("cannot open another agent's conversation", async () => {
    const { page } = agent;
    // A second agent joins through an invitation.
    const admin = await apiAs(e2e.apiUrl, ADMIN);
    const email = 'bruno.agente@demo.conversa.local';
    expect((await admin.call('POST', '/api/v1/invitations', { email, role: 'agent' })).status).toBe(201);
    const token = await mailedToken(e2e.apiUrl, email, 'accept-invite');
    const accepted = await fetch(`${e2e.apiUrl}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Bruno Agente', password: 'bruno-senha-123' }),
    });
    expect(accepted.status).toBe(201);
    const bruno = ((await accepted.json()) as { user: { id: string } }).user.id;

    await customerSays(e2e, CARLOS.phone, CARLOS.name, 'Preciso de ajuda com a garantia');
    const carlos = row(page, CARLOS.name);
    await carlos.waitFor({ timeout: 15_000 });
    const id = (await carlos.getAttribute('data-id'))!;

    // The manager gives it to Bruno: it leaves Alice's list without a reload.
    expect((await admin.call('PATCH', `/api/v1/conversations/${id}`, { assigneeId: bruno })).status).toBe(200);
    await expect.poll(() => carlos.count(), { timeout: 15_000 }).toBe(0);

    // Even with the address, the chat does not open.
    await page.goto(`${e2e.webUrl}/inbox/${id}`);
    await page.getByTestId('chat-error').waitFor();
    expect(await page.getByTestId('chat-error').textContent()).toContain('outro atendente');
    expect(await page.getByTestId('messages').count()).toBe(0);
    const asAgent = await apiAs(e2e.apiUrl, AGENT);
    expect((await asAgent.call('GET', `/api/v1/conversations/${id}/messages`)).status).toBe(403);
  });

  it('keeps working by polling when realtime is unavailable', async () => {
    const manager = await openBrowser({ forcePolling: true });
    try {
      const { page } = manager;
      await login(page, e2e.webUrl, MANAGER);
      await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection')).toBe('polling');
      expect(await page.getByRole('status').filter({ hasText: 'Atualização periódica' }).count()).toBe(1);
      await customerSays(e2e, '5585988776655', 'Paula Lima', 'Vocês entregam em Fortaleza?');
      await row(page, 'Paula Lima').waitFor({ timeout: 15_000 });
      await row(page, 'Paula Lima').click();
      await page.getByTestId('messages').getByText('entregam em Fortaleza').waitFor();
      await page.getByTestId('composer-input').fill('Entregamos sim!');
      await page.getByTestId('composer-input').press('Enter');
      const reply = page.getByTestId('message').filter({ hasText: 'Entregamos sim!' });
      await expect.poll(() => reply.getAttribute('data-status'), { timeout: 20_000 }).toBe('read');
    } finally {
      await manager.close();
    }
  });

  it('works on a phone: list, then chat, then back', async () => {
    const phone = await openBrowser({ width: 375, height: 740 });
    try {
      const { page } = phone;
      await login(page, e2e.webUrl, AGENT);
      await row(page, MARIA.name).waitFor();
      await screenshot(page, 'inbox-phone-list');
      await row(page, MARIA.name).click();
      await page.getByTestId('messages').getByText('Vou verificar agora mesmo').waitFor();
      expect(await page.locator('.pane-list').isVisible()).toBe(false);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'inbox-phone-chat');
      // The contact details float over the chat: they take the focus, keep Tab inside, close on Escape and give the
      // focus back to the button that opened them.
      const toggle = page.getByTestId('contact-toggle');
      await toggle.click();
      const panel = page.getByTestId('contact-panel');
      await panel.getByRole('heading', { name: 'Contato', exact: true }).waitFor();
      await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="contact-panel"]')))).toBe(true);
      for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="contact-panel"]')))).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => panel.count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('contact-toggle');
      await page.getByRole('link', { name: 'Voltar para a lista' }).click();
      await row(page, MARIA.name).waitFor();
      expect(await page.getByTestId('chat').count()).toBe(0);
    } finally {
      await phone.close();
    }
  });
});
