// LGPD erasure seen from an open chat: a manager has the customer's conversation open when an admin erases the
// contact; the chat closes live ("Conversa apagada (LGPD).") and nothing of it stays on screen, with no reload.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, MANAGER, apiAs, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

describe.skipIf(!browserAvailable('web/e2e/erasure.test.ts'))('erasing a contact closes its open chat live', () => {
  let e2e: E2E;
  let manager: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    manager = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => manager?.page));
  afterAll(async () => {
    await manager?.close();
    await e2e?.stop();
  });

  it('replaces the chat with "Conversa apagada (LGPD)."', async () => {
    const { page } = manager;
    await login(page, e2e.webUrl, MANAGER);
    await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
    await customerSays(e2e, '5511955557777', 'Iolanda Apagável', 'Quero apagar meus dados, por favor');
    await page.getByTestId('conversation').filter({ hasText: 'Iolanda Apagável' }).click();
    await page.getByTestId('messages').getByText('Quero apagar meus dados, por favor').waitFor();
    const conversationId = page.url().split('/').pop()!;
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    const admin = await apiAs(e2e.apiUrl, ADMIN);
    const conv = await admin.call<{ conversation: { contact: { id: string } } }>('GET', `/api/v1/conversations/${conversationId}`);
    expect(conv.status).toBe(200);
    const erased = await admin.call('DELETE', `/api/v1/contacts/${conv.body.conversation.contact.id}`);
    expect(erased.status).toBe(200);

    await page.getByTestId('chat-error').getByText('Conversa apagada (LGPD).').waitFor({ timeout: 10_000 });
    expect(await page.getByText('Quero apagar meus dados, por favor').count()).toBe(0);
    expect(await page.getByTestId('conversation').filter({ hasText: 'Iolanda Apagável' }).count()).toBe(0);
    expect(navigations).toBe(0);
    await screenshot(page, 'erasure-chat-closed');
  });
});
