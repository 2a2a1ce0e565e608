// Issue 17, part 6 in the browser: an agent schedules what they typed for tomorrow 09:00 (São Paulo time, the
// organisation's zone), sees it at the bottom of the chat as scheduled, edits it, and — when its time comes and the
// every-minute cron runs — sees it go out as an ordinary message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeDb } from '../../scripts/lib/db';
import { ADMIN, browserAvailable, customerSays, login, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

const LIA = { phone: '5511955557777', name: 'Lia Prado' };

/** Tomorrow's date in São Paulo, as a datetime-local value at 09:00. */
function tomorrowAtNine(): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 24 * 3600_000));
  return `${day}T09:00`;
}

describe.skipIf(!browserAvailable('web/e2e/scheduled.test.ts'))('scheduled messages (issue 17)', () => {
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

  it('schedules what was typed, shows it in the chat, edits it, and sends it when the cron runs at its time', async () => {
    const { page } = admin;
    await login(page, e2e.webUrl, ADMIN);
    await customerSays(e2e, LIA.phone, LIA.name, 'Podem me lembrar do orçamento amanhã cedo?');
    const row = page.getByTestId('conversation').filter({ hasText: LIA.name });
    await row.waitFor({ timeout: 15_000 });
    await row.click();

    // What is typed moves into the dialog.
    const composer = page.getByTestId('composer-input');
    await composer.fill('Bom dia, Lia! Segue o lembrete do orçamento.');
    await page.getByTestId('schedule-open').click();
    const dialog = page.getByTestId('schedule-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('schedule-text').inputValue()).toBe('Bom dia, Lia! Segue o lembrete do orçamento.');
    await dialog.getByText('fuso America/Sao Paulo').waitFor();
    await dialog.getByTestId('schedule-at').fill(tomorrowAtNine());
    // A Meta number: a template can be kept for a closed window.
    await dialog.getByTestId('schedule-pick-template').waitFor();
    await screenshot(page, 'scheduled-dialog');
    await dialog.getByTestId('schedule-save').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await composer.inputValue()).toBe('');

    // At the bottom of the chat, marked as scheduled for tomorrow at 09:00.
    const item = page.getByTestId('scheduled-item');
    await item.waitFor();
    await expect.poll(() => item.textContent()).toMatch(/Agendada para .+ às 09:00/);
    expect(await item.textContent()).toContain('Bom dia, Lia! Segue o lembrete do orçamento.');
    await screenshot(page, 'scheduled-in-chat');

    // Edited: the new text, same time.
    await item.getByTestId('scheduled-edit').click();
    await dialog.waitFor();
    await dialog.getByTestId('schedule-text').fill('Bom dia, Lia! O orçamento está pronto.');
    await dialog.getByTestId('schedule-save').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => item.textContent()).toContain('Bom dia, Lia! O orçamento está pronto.');
    expect(await item.textContent()).toMatch(/às 09:00/);

    // Its time comes (moved back in the database), and the every-minute cron runs.
    const { pool } = nodeDb(e2e.stack.databaseUrl, e2e.stack.wsProxy);
    try {
      const moved = await pool.query(`update scheduled_messages set send_at = now() - interval '1 second' where status = 'scheduled' and body = $1`, [
        'Bom dia, Lia! O orçamento está pronto.',
      ]);
      expect(moved.rowCount).toBe(1);
    } finally {
      await pool.end();
    }
    const cron = await fetch(`${e2e.apiUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(cron.status).toBe(200);

    // Live, without a reload: gone from the scheduled list, there as an ordinary outbound message (once).
    await item.waitFor({ state: 'detached', timeout: 15_000 });
    const sent = page.getByTestId('message').filter({ hasText: 'Bom dia, Lia! O orçamento está pronto.' });
    await sent.waitFor({ timeout: 15_000 });
    await expect.poll(() => sent.getAttribute('data-status'), { timeout: 15_000 }).toMatch(/sent|delivered|read/);
    expect(await sent.count()).toBe(1);
    await screenshot(page, 'scheduled-sent');
  });
});
