// Retention exclusions in the chat (issue 21 §3): an admin places a legal hold with a reason (the badge shows), lifts
// it with another, and marks a customer's message important. Real worker, Postgres and fake Meta; the server's state
// is checked through the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, apiAs, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const CUSTOMER = { phone: '5511955554444', name: 'Renata Prado' };

describe.skipIf(!browserAvailable('web/e2e/legal-hold.test.ts'))('legal hold and important messages', () => {
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

  it('places a legal hold with a reason, shows the badge, lifts it, and marks a message important', async () => {
    const { page } = admin;
    const api = await apiAs(e2e.apiUrl, ADMIN);
    await customerSays(e2e, CUSTOMER.phone, CUSTOMER.name, 'Segue a confirmação do acordo de rescisão.');
    await login(page, e2e.webUrl, ADMIN);
    const row = page.getByTestId('conversation').filter({ hasText: CUSTOMER.name });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    const conversationId = page.url().split('/').pop()!;
    await page.getByTestId('messages').getByText('confirmação do acordo').waitFor();
    expect(await page.getByTestId('legal-hold-badge').count()).toBe(0);

    // Place: the reason is required before the button works.
    await page.getByTestId('legal-hold-open').click();
    const dialog = page.getByTestId('legal-hold-dialog');
    await dialog.getByRole('heading', { name: 'Colocar a conversa em retenção legal' }).waitFor();
    expect(await dialog.getByTestId('legal-hold-confirm').isDisabled()).toBe(true);
    await dialog.getByTestId('legal-hold-reason').fill('Processo trabalhista 0001234-56.2026');
    await dialog.getByTestId('legal-hold-confirm').click();
    const badge = page.getByTestId('legal-hold-badge');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('Retenção legal');
    expect(await dialog.isVisible()).toBe(false);
    const held = await api.call<{ active: { reason: string; placedBy: string } | null }>('GET', `/api/v1/conversations/${conversationId}/legal-hold`);
    expect(held.body.active).toMatchObject({ reason: 'Processo trabalhista 0001234-56.2026', placedBy: api.userId });
    // Still there after a reload (it is the server's state, not the page's).
    await page.reload();
    await page.getByTestId('legal-hold-badge').waitFor();
    await screenshot(page, 'legal-hold-badge');

    // Lift, with a reason too.
    await page.getByTestId('legal-hold-open').click();
    await dialog.getByRole('heading', { name: 'Retirar a retenção legal' }).waitFor();
    await dialog.getByTestId('legal-hold-reason').fill('Processo arquivado');
    await dialog.getByTestId('legal-hold-confirm').click();
    await expect.poll(() => page.getByTestId('legal-hold-badge').count()).toBe(0);
    const lifted = await api.call<{ active: unknown; history: { liftReason: string | null; liftedBy: string | null }[] }>('GET', `/api/v1/conversations/${conversationId}/legal-hold`);
    expect(lifted.body.active).toBeNull();
    expect(lifted.body.history).toEqual([expect.objectContaining({ liftReason: 'Processo arquivado', liftedBy: api.userId })]);

    // The message action "Marcar como importante".
    const message = page.getByTestId('message').filter({ hasText: 'confirmação do acordo' });
    const msgRow = page.locator('.msg-row').filter({ has: message });
    await msgRow.hover();
    const star = msgRow.getByRole('button', { name: /^Marcar como importante/ });
    await star.click();
    await message.getByTestId('message-important').waitFor();
    expect(await msgRow.getByTestId('mark-important').getAttribute('aria-pressed')).toBe('true');
    const msgs = await api.call<{ data: { body: string | null; importantAt: string | null; importantBy: string | null }[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=10`);
    expect(msgs.body.data.find((m) => m.body?.includes('confirmação do acordo'))).toMatchObject({ importantAt: expect.any(String), importantBy: api.userId });
    await screenshot(page, 'message-important');

    // Settings → Privacidade says what retention will never delete, and what its last run kept.
    await page.goto(`${e2e.webUrl}/settings/privacy`);
    const exclusions = page.getByTestId('privacy-exclusions');
    await exclusions.waitFor();
    expect(await exclusions.textContent()).toMatch(/\d+ mensagens importantes/);
    expect(await page.getByTestId('privacy-last-run').textContent()).toMatch(/retenção/i);
  });
});
