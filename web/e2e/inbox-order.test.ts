// Issue 15 in the browser: a snoozed conversation comes back by itself, live; the list keeps the order of the last
// message (an assignment does not lift a row), offers other orders and remembers the choice; the chat shows
// messages at WhatsApp's time, not at their arrival.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeDb } from '../../scripts/lib/db';
import { ADMIN, AGENT, apiAs, browserAvailable, customerSays, DEMO_NUMBER, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const PAULA = { phone: '5511955551111', name: 'Paula Dias' };
const RUI = { phone: '5511955552222', name: 'Rui Nogueira' };
const SARA = { phone: '5511955553333', name: 'Sara Moura' };
const TIAGO = { phone: '5511955554444', name: 'Tiago Reis' };

const row = (page: Page, name: string) => page.getByTestId('conversation').filter({ hasText: name });

/** The names shown in the list, top to bottom, among those given. */
async function order(page: Page, names: string[]): Promise<string[]> {
  const texts = await page.getByTestId('conversation').allTextContents();
  return texts.map((t) => names.find((n) => t.includes(n))).filter((n): n is string => Boolean(n));
}

describe.skipIf(!browserAvailable('web/e2e/inbox-order.test.ts'))('inbox order and time (issue 15)', () => {
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

  it('brings a snoozed conversation back, live, when its time comes', async () => {
    const { page } = admin;
    await login(page, e2e.webUrl, ADMIN);
    await customerSays(e2e, PAULA.phone, PAULA.name, 'Me liga depois das 15h, por favor');
    const paula = row(page, PAULA.name);
    await paula.waitFor({ timeout: 15_000 });
    await paula.click();
    await page.getByRole('button', { name: 'Adiar' }).click();
    await page.getByRole('button', { name: 'Por 1 hora' }).click();
    await expect.poll(() => page.getByTestId('chat-status').textContent()).toBe('Adiada');
    await expect.poll(() => paula.count()).toBe(0);

    // The hour passes (moved back in the database), and the every-minute cron runs.
    const { pool } = nodeDb(e2e.stack.databaseUrl, e2e.stack.wsProxy);
    try {
      await pool.query(`update conversations set snoozed_until = now() - interval '1 second' where status = 'snoozed'`);
    } finally {
      await pool.end();
    }
    const cron = await fetch(`${e2e.apiUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(cron.status).toBe(200);
    // Back in the open list and open in the chat, without a reload.
    await paula.waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('chat-status').textContent(), { timeout: 15_000 }).toBe('Aberta');
  });

  it('keeps the last message on top whatever else changes, and remembers another order', async () => {
    const { page } = admin;
    const api = await apiAs(e2e.apiUrl, ADMIN);
    // WhatsApp's timestamps are whole seconds: each message below gets a second of its own (no waiting).
    const base = Math.floor(Date.now() / 1000) + 1;
    await customerSays(e2e, RUI.phone, RUI.name, 'Vocês abrem sábado?', { timestamp: base });
    await row(page, RUI.name).waitFor({ timeout: 15_000 });
    await customerSays(e2e, SARA.phone, SARA.name, 'Quero trocar um produto', { timestamp: base + 1 });
    await row(page, SARA.name).waitFor({ timeout: 15_000 });
    const names = [PAULA.name, RUI.name, SARA.name];
    await expect.poll(() => order(page, names)).toEqual([SARA.name, RUI.name, PAULA.name]);

    // Assigning Rui changes the row (live), not its place.
    const list = await api.call<{ data: { id: string; contact: { name: string | null } }[] }>('GET', '/api/v1/conversations?limit=100');
    const rui = list.body.data.find((c) => c.contact.name === RUI.name)!;
    expect((await api.call('PATCH', `/api/v1/conversations/${rui.id}`, { assigneeId: api.userId })).status).toBe(200);
    await expect.poll(() => row(page, RUI.name).textContent()).toContain('Com você');
    expect(await order(page, names)).toEqual([SARA.name, RUI.name, PAULA.name]);

    // A new message does lift it.
    await customerSays(e2e, RUI.phone, RUI.name, 'E no domingo?', { timestamp: base + 2 });
    await expect.poll(() => order(page, names), { timeout: 15_000 }).toEqual([RUI.name, SARA.name, PAULA.name]);

    // Waiting longest first: Paula wrote first and nobody answered anyone yet.
    await page.getByTestId('sort-order').selectOption('waiting');
    await expect.poll(() => order(page, names)).toEqual([PAULA.name, RUI.name, SARA.name]);
    await page.reload();
    await row(page, SARA.name).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sort-order').inputValue()).toBe('waiting');
    await expect.poll(() => order(page, names)).toEqual([PAULA.name, RUI.name, SARA.name]);
    await screenshot(page, 'inbox-sort-waiting');
    await page.getByTestId('sort-order').selectOption('last_message');
    await expect.poll(() => order(page, names)).toEqual([RUI.name, SARA.name, PAULA.name]);
  });

  it('shows messages at WhatsApp’s time: one delivered late goes where it was written', async () => {
    const { page } = admin;
    const now = Math.floor(Date.now() / 1000);
    await customerSays(e2e, TIAGO.phone, TIAGO.name, 'Segunda mensagem', { timestamp: now - 60 });
    const tiago = row(page, TIAGO.name);
    await tiago.waitFor({ timeout: 15_000 });
    await tiago.click();
    const chat = page.getByTestId('messages');
    await chat.getByText('Segunda mensagem').waitFor();
    // Written ten minutes earlier, delivered now.
    await customerSays(e2e, TIAGO.phone, TIAGO.name, 'Primeira mensagem', { timestamp: now - 600 });
    await chat.getByText('Primeira mensagem').waitFor({ timeout: 15_000 });
    const bodies = await page.getByTestId('message').allTextContents();
    const [first, second] = [bodies.findIndex((t) => t.includes('Primeira mensagem')), bodies.findIndex((t) => t.includes('Segunda mensagem'))];
    expect(first).toBeLessThan(second);
    // The row still previews the latest message by time.
    await expect.poll(() => tiago.textContent()).toContain('Segunda mensagem');
    await page.reload();
    await chat.getByText('Primeira mensagem').waitFor({ timeout: 15_000 });
    const again = await page.getByTestId('message').allTextContents();
    expect(again.findIndex((t) => t.includes('Primeira mensagem'))).toBeLessThan(again.findIndex((t) => t.includes('Segunda mensagem')));
  });

  it('sets "Pendente" from the chat; the Pendente filter lists it; the customer’s answer opens it again', async () => {
    const { page } = admin;
    const UGO = { phone: '5511955555555', name: 'Ugo Salles' };
    await page.getByTestId('status-filter').selectOption('open');
    await customerSays(e2e, UGO.phone, UGO.name, 'Vou ver com meu sócio e te falo');
    const ugo = row(page, UGO.name);
    await ugo.waitFor({ timeout: 15_000 });
    await ugo.click();
    await page.getByRole('button', { name: 'Adiar' }).click();
    await page.getByTestId('mark-pending').click();
    await expect.poll(() => page.getByTestId('chat-status').textContent()).toBe('Pendente');
    await page.getByTestId('status-filter').selectOption('pending');
    await row(page, UGO.name).waitFor({ timeout: 15_000 });
    await screenshot(page, 'inbox-pending');
    await customerSays(e2e, UGO.phone, UGO.name, 'Fechado, pode mandar');
    await expect.poll(() => page.getByTestId('chat-status').textContent(), { timeout: 15_000 }).toBe('Aberta');
    await expect.poll(() => row(page, UGO.name).count(), { timeout: 15_000 }).toBe(0);
    await page.getByTestId('status-filter').selectOption('open');
  });

  it('announces a new message while the tab is hidden: a notification, the unread count in the title and on the nav', async () => {
    const { page } = admin;
    const VERA = { phone: '5511955556666', name: 'Vera Campos' };
    await page.goto(`${e2e.webUrl}/inbox`);
    await page.getByTestId('conversation').first().waitFor({ timeout: 15_000 });
    // The browser's notifications are recorded instead of shown; the tab is "hidden".
    await page.evaluate(() => {
      const w = window as unknown as { __notes: { title: string; body?: string }[]; Notification: unknown };
      w.__notes = [];
      class Recorded {
        static permission = 'default';
        static requestPermission = async () => ((Recorded.permission = 'granted'), 'granted');
        onclick: (() => void) | null = null;
        constructor(title: string, opts?: { body?: string }) {
          w.__notes.push({ title, body: opts?.body });
        }
        close() {}
      }
      w.Notification = Recorded;
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
    // Asked politely, once: the prompt turns them on.
    await page.getByTestId('notify-enable').click();
    await expect.poll(() => page.getByTestId('notify-prompt').count()).toBe(0);
    await customerSays(e2e, VERA.phone, VERA.name, 'Oi, meu pedido chegou quebrado');
    const notes = () => page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);
    await expect.poll(notes, { timeout: 15_000 }).toContainEqual({ title: VERA.name, body: 'Oi, meu pedido chegou quebrado' });
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) /);
    await expect.poll(() => page.getByTestId('nav-unread').textContent()).toMatch(/^\d+$/);
    await screenshot(page, 'inbox-unread-title');

    // Turned off in the account menu: the next message is not announced.
    await page.getByTestId('account-menu').click();
    await page.getByTestId('notify-pref').selectOption('off');
    await page.getByTestId('account-menu').click();
    const before = (await notes()).length;
    await customerSays(e2e, VERA.phone, VERA.name, 'Mandei foto do pacote');
    await expect.poll(() => row(page, VERA.name).textContent(), { timeout: 15_000 }).toContain('Mandei foto do pacote');
    expect((await notes()).length).toBe(before);
    await page.getByTestId('account-menu').click();
    await page.getByTestId('notify-pref').selectOption('mine');
    await page.getByTestId('account-menu').click();
  });

  it('tells a colleague mentioned in a private note: the bell counts it, lists it and opens the conversation', async () => {
    const { page } = admin;
    const XICO = { phone: '5511955557777', name: 'Xico Lopes' };
    const agent = await openBrowser();
    try {
      await login(agent.page, e2e.webUrl, AGENT);
      await agent.page.getByTestId('bell').waitFor();
      await customerSays(e2e, XICO.phone, XICO.name, 'Minha encomenda não chegou');
      await page.goto(`${e2e.webUrl}/inbox`);
      await row(page, XICO.name).click();
      await page.getByTestId('mode-note').click();
      await page.getByTestId('composer-input').fill('@Alice pode ver o rastreio?');
      await page.getByTestId('send').click();
      await page.getByTestId('messages').getByText('@Alice pode ver o rastreio?').waitFor();
      // Live on Alice's bell, then listed and opened from it.
      await expect.poll(() => agent.page.getByTestId('bell-unread').textContent(), { timeout: 15_000 }).toBe('1');
      await agent.page.getByTestId('bell').click();
      const entry = agent.page.getByTestId('bell-menu').getByRole('link', { name: /Ana Admin mencionou você na conversa com Xico Lopes/ });
      await entry.waitFor();
      await screenshot(agent.page, 'notification-centre');
      await entry.click();
      await agent.page.getByTestId('messages').getByText('Minha encomenda não chegou').waitFor();
      await expect.poll(() => agent.page.getByTestId('bell-unread').count()).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('shows a returning customer’s earlier conversation above the new one, and lists it in the contact panel', async () => {
    const { page } = admin;
    const YARA = { phone: '5511955558888', name: 'Yara Nunes' };
    const api = await apiAs(e2e.apiUrl, ADMIN);
    await customerSays(e2e, YARA.phone, YARA.name, 'Comprei uma cadeira azul semana passada');
    const findYara = async () =>
      (await api.call<{ data: { id: string; contact: { name: string | null } }[] }>('GET', '/api/v1/conversations?limit=100')).body.data.find((c) => c.contact.name === YARA.name)?.id;
    await expect.poll(findYara, { timeout: 15_000 }).toBeTruthy();
    const first = (await findYara())!;
    expect((await api.call('PATCH', `/api/v1/conversations/${first}`, { status: 'resolved' })).status).toBe(200);
    // She comes back: a new conversation.
    await customerSays(e2e, YARA.phone, YARA.name, 'Oi de novo! A cadeira chegou riscada');
    await page.goto(`${e2e.webUrl}/inbox`);
    await row(page, YARA.name).click();
    await page.getByTestId('messages').getByText('A cadeira chegou riscada').waitFor();
    await page.getByTestId('earlier-load').click();
    const earlier = page.getByTestId('earlier-conversation');
    await earlier.getByText('Comprei uma cadeira azul semana passada').waitFor();
    expect(await earlier.getByRole('separator').textContent()).toContain('Resolvida');
    await screenshot(page, 'continuity-desktop');
    if ((await page.getByTestId('contact-panel').count()) === 0) await page.getByTestId('contact-toggle').click();
    await page.getByTestId('contact-conversations').getByRole('link').first().waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'continuity-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens photos large in a viewer: ← and → move through the chat’s photos, Escape closes it', async () => {
    const { page } = admin;
    const ZECA = { phone: '5511955559999', name: 'Zeca Prado' };
    for (const caption of ['Frente da caixa', 'Lateral amassada']) {
      await e2e.stack.fakeMeta.sendCustomerMessage({ phoneNumberId: DEMO_NUMBER.phoneNumberId, from: ZECA.phone, name: ZECA.name, type: 'image', caption });
    }
    await page.goto(`${e2e.webUrl}/inbox`);
    await row(page, ZECA.name).click();
    const photos = page.getByTestId('messages').locator('[data-testid="media"] img');
    await expect.poll(() => photos.count(), { timeout: 15_000 }).toBe(2);
    await page.getByRole('img', { name: 'Frente da caixa' }).click();
    const viewer = page.getByTestId('viewer');
    await viewer.getByRole('img', { name: 'Frente da caixa' }).waitFor();
    expect(await viewer.getByText('1 de 2').count()).toBe(1);
    await screenshot(page, 'viewer-desktop');
    await page.keyboard.press('ArrowRight');
    await viewer.getByRole('img', { name: 'Lateral amassada' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await viewer.getByRole('img', { name: 'Frente da caixa' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.isVisible()).toBe(false);
    // On a phone the contact details would float over the chat: closed first.
    if ((await page.getByTestId('contact-panel').count()) > 0) await page.getByTestId('contact-toggle').click();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('img', { name: 'Lateral amassada' }).click();
    await viewer.getByRole('img', { name: 'Lateral amassada' }).waitFor();
    await screenshot(page, 'viewer-phone');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
