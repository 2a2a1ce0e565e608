// Issue 16 in the browser: an admin connects an ordinary number by QR code in Settings → Channels (the fake Evolution
// API plays the server and the phone), sees it connect live, then chats through it — no 24-hour window, no templates.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, apiAs, browserAvailable, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const CUSTOMER = { phone: '5521988881234', name: 'Helena Prado' };

async function fakeEvolution(e2e: E2E, method: string, path: string, body?: unknown) {
  const res = await fetch(`${e2e.stack.fakeEvolution.url}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe.skipIf(!browserAvailable('web/e2e/evolution.test.ts'))('a number connected by QR code (issue 16)', () => {
  let e2e: E2E;
  let admin: Person;
  const instance = `zona-sul-${Date.now().toString(36)}`;

  beforeAll(async () => {
    // QR codes scan only when the test says so.
    e2e = await startE2E({ evolutionAutoScanMs: null });
    admin = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => admin?.page));
  afterAll(async () => {
    await admin?.close();
    await e2e?.stop();
  });

  it('connects by QR code in Settings, live', async () => {
    const { page } = admin;
    await login(page, e2e.webUrl, ADMIN);
    await page.goto(`${e2e.webUrl}/settings/channels`);
    await page.getByTestId('evolution-name').fill('Loja Zona Sul');
    await page.getByTestId('evolution-instance').fill(instance);
    await page.getByTestId('evolution-submit').click();
    const card = page.getByTestId('evolution-channel').filter({ hasText: 'Loja Zona Sul' });
    await card.getByRole('img', { name: /QR code/ }).waitFor({ timeout: 15_000 });
    await expect.poll(() => card.getByTestId('connection-state').textContent()).toBe('Aguardando leitura do QR code');
    const src = await card.getByRole('img', { name: /QR code/ }).getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    await screenshot(page, 'evolution-qr-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'evolution-qr-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The owner scans it on the phone: the page shows the connection without a reload.
    expect((await fakeEvolution(e2e, 'POST', `/instances/${instance}/scan`)).status).toBeLessThan(300);
    await expect.poll(() => card.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('Conectado');
    expect(await card.getByRole('img', { name: /QR code/ }).count()).toBe(0);
  });

  it('chats through it: the customer’s message arrives live, the reply goes out through Evolution', async () => {
    const { page } = admin;
    const wrote = await fakeEvolution(e2e, 'POST', `/instances/${instance}/messages`, { from: CUSTOMER.phone, name: CUSTOMER.name, text: 'Oi! Vocês têm horário amanhã?' });
    expect(wrote.status).toBe(201);
    await page.goto(`${e2e.webUrl}/inbox`);
    const row = page.getByTestId('conversation').filter({ hasText: CUSTOMER.name });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.getByText('Oi! Vocês têm horário amanhã?').waitFor();
    // WhatsApp Web has no 24-hour window and no templates: the composer says so and offers text.
    await page.getByTestId('no-window-hint').waitFor();
    const box = page.getByTestId('composer').getByRole('textbox');
    await box.fill('Temos sim, às 10h!');
    await box.press('Enter');
    await expect
      .poll(async () => ((await fakeEvolution(e2e, 'GET', `/sent?instance=${instance}`)).body.data as any[]).map((s) => s.body?.text), { timeout: 15_000 })
      .toContain('Temos sim, às 10h!');
    // Evolution's statuses come back: the ticks reach "read".
    const sent = page.getByTestId('message').filter({ hasText: 'Temos sim, às 10h!' });
    await expect.poll(() => sent.getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
    await screenshot(page, 'evolution-chat-desktop');
  });

  it('starts a conversation with a typed number from the inbox (text, through the QR-connected number)', async () => {
    const { page } = admin;
    await page.goto(`${e2e.webUrl}/inbox`);
    await page.getByTestId('start-open').click();
    const panel = page.getByTestId('start-conversation');
    await panel.getByTestId('start-phone').fill('(31) 98877-6655');
    await panel.getByTestId('start-name').fill('Otávio Reis');
    const api = await apiAs(e2e.apiUrl, ADMIN);
    const zonaSul = (await api.call<{ data: { id: string; name: string }[] }>('GET', '/api/v1/channels')).body.data.find((c) => c.name === 'Loja Zona Sul')!;
    await panel.getByTestId('start-channel').selectOption(zonaSul.id);
    await panel.getByTestId('start-text').fill('Olá Otávio, seu orçamento está pronto!');
    await panel.getByTestId('start-send').click();
    await page.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    await page.getByTestId('messages').getByText('Olá Otávio, seu orçamento está pronto!').waitFor();
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe('Otávio Reis');
    await expect
      .poll(async () => ((await fakeEvolution(e2e, 'GET', `/sent?instance=${instance}`)).body.data as any[]).map((s) => [s.body?.number, s.body?.text]), { timeout: 15_000 })
      .toContainEqual(['5531988776655', 'Olá Otávio, seu orçamento está pronto!']);
  });

  it('starts a conversation from a contact’s page with an approved template (Meta number)', async () => {
    const { page } = admin;
    const api = await apiAs(e2e.apiUrl, ADMIN);
    const channels = (await api.call<{ data: { id: string; provider: string }[] }>('GET', '/api/v1/channels')).body.data;
    const meta = channels.find((c) => c.provider === 'meta_cloud')!;
    expect((await api.call('POST', `/api/v1/channels/${meta.id}/templates/sync`, {})).status).toBe(200);
    const created = await api.call<{ contact: { id: string } }>('POST', '/api/v1/contacts', { name: 'Renata Alves', phone: '(11) 97766-5544' });
    expect(created.status).toBe(201);
    await page.goto(`${e2e.webUrl}/contacts/${created.body.contact.id}`);
    const box = page.getByTestId('start-conversation');
    await box.getByTestId('start-channel').selectOption(meta.id);
    await box.getByTestId('template-select').selectOption({ label: 'retomar_atendimento · pt_BR' });
    await box.getByTestId('template-var-1').fill('Renata');
    await box.getByTestId('template-var-2').fill('Loja Demo');
    await screenshot(page, 'start-conversation-desktop');
    await box.getByTestId('send-template').click();
    await page.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    await page.getByTestId('messages').getByText('Olá, Renata! Aqui é a Loja Demo. Podemos continuar o seu atendimento?').waitFor();
    await expect
      .poll(async () => ((await (await fetch(`${e2e.stack.fakeMeta.url}/_fake/sent?to=5511977665544`)).json()) as { data: unknown[] }).data.length, { timeout: 15_000 })
      .toBe(1);
  });
});
