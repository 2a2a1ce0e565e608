// Issue 15, the chat's media and reading: a voice note recorded in the browser reaches WhatsApp as Ogg/Opus marked as
// a voice note (Chromium records WebM; the app converts it), Escape discards a recording; the emoji picker has every
// emoji and searches in Portuguese; and opening a chat reads it only for the one who opened it — a manager looking
// at an agent's conversation leaves the agent's unread badge and sends no blue ticks.
// Real worker, real Postgres, the fake Meta, Chromium's fake microphone.
import type { Page } from 'playwright-core';
import { samplePdf } from '../../fake-evolution/samples';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENT, DEMO_NUMBER, MANAGER, apiAs, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const LUCIA = { phone: '5511976540001', name: 'Lúcia Áudio' };
const PEDRO = { phone: '5511976540002', name: 'Pedro Leitura' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation').filter({ hasText: name });
}

describe.skipIf(!browserAvailable('web/e2e/media.test.ts'))('chat media and reading', () => {
  let e2e: E2E;
  let agent: Person;
  let manager: Person;
  let current: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E();
    agent = await openBrowser({ microphone: true });
    manager = await openBrowser();
    await login(agent.page, e2e.webUrl, AGENT);
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => current));
  afterAll(async () => {
    await agent?.close();
    await manager?.close();
    await e2e?.stop();
  });

  it('records a voice note and sends it to WhatsApp as Ogg/Opus, as a voice note', async () => {
    const { page } = agent;
    current = page;
    await customerSays(e2e, LUCIA.phone, LUCIA.name, 'Pode me mandar um áudio explicando?');
    await row(page, LUCIA.name).click();
    await page.getByTestId('messages').getByText('Pode me mandar um áudio explicando?').waitFor();

    await page.getByTestId('voice-record').click();
    const bar = page.getByTestId('voice-bar');
    await bar.waitFor();
    // The composer's text box gives way to the recording bar, whose "send" has the focus.
    expect(await page.getByTestId('composer-input').isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('voice-send');
    await expect.poll(() => page.getByTestId('voice-clock').textContent(), { timeout: 10_000 }).toMatch(/^0:0[2-9]$/);
    await screenshot(page, 'voice-recording');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'voice-recording-phone');
    await page.setViewportSize({ width: 1360, height: 820 });
    await page.getByTestId('voice-send').click();
    await expect.poll(() => bar.count()).toBe(0);

    const audioSent = () => e2e.stack.fakeMeta.sentMessages({ to: LUCIA.phone }).filter((m) => m.type === 'audio');
    await expect.poll(() => audioSent().length, { timeout: 20_000 }).toBe(1);
    const audio = (audioSent()[0]!.request as { audio: { id: string; voice?: boolean } }).audio;
    expect(audio.voice).toBe(true);
    const file = e2e.stack.fakeMeta.state.media.get(audio.id)!;
    expect(file.mimeType).toMatch(/^audio\/ogg/);
    expect(file.bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(file.bytes.includes(Buffer.from('OpusHead'))).toBe(true);
    expect(file.bytes.length).toBeGreaterThan(2_000);
    // In the chat: a player, not a file link.
    await page.getByTestId('message').filter({ has: page.locator('audio') }).first().waitFor();
    await expect.poll(() => page.getByTestId('message').filter({ has: page.locator('audio') }).count()).toBe(1);
  });

  it('Escape discards a recording: nothing is sent and the focus goes back to the text box', async () => {
    const { page } = agent;
    current = page;
    await page.getByTestId('voice-record').click();
    await page.getByTestId('voice-bar').waitFor();
    await expect.poll(() => page.getByTestId('voice-clock').textContent(), { timeout: 10_000 }).toMatch(/^0:0[1-9]$/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('voice-bar').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    // The chat still holds one voice note (a discarded one would show at once, as sending).
    expect(await page.getByTestId('message').filter({ has: page.locator('audio') }).count()).toBe(1);
  });

  it('the emoji picker finds emoji by their Portuguese names and keeps the most used first', async () => {
    const { page } = agent;
    current = page;
    const input = page.getByTestId('composer-input');
    await input.fill('Chegando ');
    await page.getByTestId('emoji-button').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('emoji-search');
    await page.keyboard.type('caminhão');
    await expect.poll(() => picker.locator('.emoji-grid button').first().textContent(), { timeout: 10_000 }).toBe('🚛');
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Chegando 🚛');
    expect(await picker.count()).toBe(0);

    // Arrow keys: from the search box into the grid, then along it.
    await page.getByTestId('emoji-button').click();
    await picker.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('emoji-search');
    await page.keyboard.type('coração');
    await expect.poll(() => page.getByTestId('emoji-search').inputValue()).toBe('coração');
    await expect.poll(() => picker.locator('.emoji-grid button').count()).toBeGreaterThan(5);
    // Hearts by name first, before emoji that only mention a heart in their tags.
    expect(await picker.locator('.emoji-grid button').first().getAttribute('aria-label')).toMatch(/^coração/);
    const names = await picker.locator('.emoji-grid button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(names.some((n) => /coração/.test(n))).toBe(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe(`Chegando 🚛${second}`);
    await screenshot(page, 'emoji-picker-closed');

    // Opened again without a search: "most used" leads with what was just picked.
    await page.getByTestId('emoji-button').click();
    await expect.poll(() => picker.locator('.emoji-grid button').first().textContent(), { timeout: 10_000 }).not.toBe('😀');
    const recent = await picker.locator('.emoji-grid button').evaluateAll((els) => els.slice(0, 2).map((e) => e.textContent));
    expect(recent).toContain('🚛');
    expect(recent).toContain(second);
    await screenshot(page, 'emoji-picker');
    await page.keyboard.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);
    await input.fill('');
  });

  it('previews a PDF the customer sent, page by page, in a dialog that Escape closes', async () => {
    const { page } = agent;
    current = page;
    const r = await e2e.stack.fakeMeta.sendCustomerMessage({
      phoneNumberId: DEMO_NUMBER.phoneNumberId,
      from: LUCIA.phone,
      name: LUCIA.name,
      type: 'document',
      dataBase64: samplePdf(['Boleto 2026', 'Pagina 2']).toString('base64'),
      mimeType: 'application/pdf',
      filename: 'boleto.pdf',
    });
    expect(r.webhookStatus).toBe(200);
    const preview = page.getByTestId('pdf-preview');
    await preview.waitFor({ timeout: 20_000 });
    await preview.click();
    const viewer = page.getByTestId('pdf-viewer');
    await expect.poll(() => viewer.getAttribute('open')).not.toBeNull();
    await expect.poll(() => viewer.getByTestId('pdf-count').textContent(), { timeout: 15_000 }).toBe('2 páginas');
    await expect.poll(() => viewer.getByTestId('pdf-page').count(), { timeout: 15_000 }).toBe(2);
    // Drawn, not blank: the blue box of the first page is on its canvas.
    const blue = () =>
      viewer.getByTestId('pdf-page').first().evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! < 40 && d[i + 1]! < 40 && d[i + 2]! > 200) n++;
        return n;
      });
    await expect.poll(blue, { timeout: 10_000 }).toBeGreaterThan(1000);
    await screenshot(page, 'pdf-preview');
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.getAttribute('open')).toBeNull();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('pdf-preview');
  });

  it('the chat is one Tab stop: arrow keys move between messages, Tab reaches only the focused message’s actions', async () => {
    const { page } = agent;
    current = page;
    const tabbable = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="messages"] *')].filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled).length,
      );
    await expect.poll(tabbable).toBe(0);
    await page.getByTestId('messages').focus();
    await page.keyboard.press('ArrowUp');
    const focusedText = () => page.evaluate(() => (document.activeElement?.closest('.msg-row') as HTMLElement | null)?.textContent ?? null);
    await expect.poll(focusedText).toContain('boleto.pdf');
    await page.keyboard.press('Home');
    await expect.poll(focusedText).toContain('Pode me mandar um áudio');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedText).not.toContain('Pode me mandar um áudio');
    await page.keyboard.press('End');
    await expect.poll(focusedText).toContain('boleto.pdf');
    // Tab goes into that message's own actions (the PDF's download, preview, reply, react, mark important), no other message's.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.msg-row')?.textContent?.includes('boleto.pdf')))).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toMatch(/^(A|BUTTON)$/);
    const count = await tabbable();
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(5);
    // Every tabbable element belongs to the focused message's row.
    const outside = await page.evaluate(() => {
      const row = document.activeElement?.closest('.msg-row');
      return [...document.querySelectorAll<HTMLElement>('[data-testid="messages"] *')].filter(
        (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.closest('.msg-row') !== row,
      ).length;
    });
    expect(outside).toBe(0);
  });

  it('a manager opening an agent’s chat leaves it unread for the agent and sends no blue ticks; the agent opening it does', async () => {
    const agentApi = await apiAs(e2e.apiUrl, AGENT);
    const managerApi = await apiAs(e2e.apiUrl, MANAGER);
    const sent = await customerSays(e2e, PEDRO.phone, PEDRO.name, 'Vocês abrem no sábado?');
    const { page } = agent;
    current = page;
    await page.goto(`${e2e.webUrl}/inbox`);
    const pedro = row(page, PEDRO.name);
    await expect.poll(() => pedro.getByTestId('unread').textContent(), { timeout: 15_000 }).toContain('1');
    const list = await managerApi.call<{ data: { id: string; contact: { name: string | null } }[] }>('GET', '/api/v1/conversations');
    const conv = list.body.data.find((c) => c.contact.name === PEDRO.name)!;
    expect((await managerApi.call('PATCH', `/api/v1/conversations/${conv.id}`, { assigneeId: agentApi.userId })).status).toBe(200);

    const receipts = () => e2e.stack.fakeMeta.requests({ method: 'POST', path: '/messages' }).filter((r) => (r.body as { status?: string })?.status === 'read');
    const before = receipts().length;
    current = manager.page;
    await login(manager.page, e2e.webUrl, MANAGER);
    await manager.page.goto(`${e2e.webUrl}/inbox/${conv.id}`);
    await manager.page.getByTestId('messages').getByText('Vocês abrem no sábado?').waitFor();
    const mine = async (api: typeof agentApi) =>
      (await api.call<{ conversation: { unreadCount: number } }>('GET', `/api/v1/conversations/${conv.id}`)).body.conversation.unreadCount;
    await expect.poll(() => mine(managerApi), { timeout: 15_000 }).toBe(0);
    // Read for the manager only: the agent's badge stays (also after the live update the read caused), no receipt.
    expect(await mine(agentApi)).toBe(1);
    current = page;
    await expect.poll(() => pedro.getByTestId('unread').textContent()).toContain('1');
    expect(receipts().length).toBe(before);

    await pedro.click();
    await page.getByTestId('messages').getByText('Vocês abrem no sábado?').waitFor();
    await expect.poll(() => mine(agentApi), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => receipts().length, { timeout: 15_000 }).toBe(before + 1);
    expect(receipts().some((r) => (r.body as { message_id?: string }).message_id === sent.id)).toBe(true);
  });
});
