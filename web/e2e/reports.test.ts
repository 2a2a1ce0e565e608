// Issue 20 in the browser: the demo organisation's manager opens Relatórios, picks a past period with seeded
// conversations and messages (dates in São Paulo time), and sees the charts drawn and their tables with the numbers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeDb } from '../../scripts/lib/db';
import { browserAvailable, login, MANAGER, openBrowser, screenshot, shootOnFailure, startE2E, type E2E, type Person } from './support';

/** Three conversations and their messages on 2–4 March 2026 (UTC−3 in São Paulo), on the demo number. */
async function seed(e2e: E2E) {
  const { pool } = nodeDb(e2e.stack.databaseUrl, e2e.stack.wsProxy);
  try {
    await pool.query(
      `with org as (select id from organizations where slug = 'demo'),
            ch as (select c.id from channels c, org where c.organization_id = org.id and c.provider = 'meta_cloud' limit 1),
            people as (
              insert into contacts (organization_id, wa_id, name)
              select org.id, '55119' || (8000000 + n)::text, 'Cliente Relatório ' || n from org, generate_series(1, 3) n
              returning id, name),
            convs as (
              insert into conversations (id, organization_id, channel_id, contact_id, status, created_at, resolved_at, last_inbound_at)
              select gen_random_uuid(), org.id, ch.id, p.id, v.status::conversation_status, v.created::timestamptz, v.resolved::timestamptz, v.created::timestamptz
                from org, ch, people p
                join (values ('Cliente Relatório 1', 'resolved', '2026-03-02T12:00:00Z', '2026-03-03T12:00:00Z'),
                             ('Cliente Relatório 2', 'open', '2026-03-02T15:00:00Z', null),
                             ('Cliente Relatório 3', 'open', '2026-03-04T13:00:00Z', null)) v(name, status, created, resolved) on v.name = p.name
              returning id, organization_id, created_at)
       insert into messages (id, organization_id, conversation_id, direction, kind, body, status, created_at)
       select gen_random_uuid(), c.organization_id, c.id, m.direction::message_direction, 'text', 'oi', m.status::message_status, c.created_at + m.after::interval
         from convs c
         join (values ('2026-03-02T12:00:00Z', 'inbound', 'received', '0 min'),
                      ('2026-03-02T12:00:00Z', 'outbound', 'sent', '5 min'),
                      ('2026-03-02T15:00:00Z', 'inbound', 'received', '0 min'),
                      ('2026-03-04T13:00:00Z', 'inbound', 'received', '0 min'),
                      ('2026-03-04T13:00:00Z', 'inbound', 'received', '1 min')) m(conv, direction, status, after)
           on c.created_at = m.conv::timestamptz`,
    );
  } finally {
    await pool.end();
  }
}

describe.skipIf(!browserAvailable('web/e2e/reports.test.ts'))('reports page (issue 20)', () => {
  let e2e: E2E;
  let manager: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    await seed(e2e);
    manager = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => manager?.page));
  afterAll(async () => {
    await manager?.close();
    await e2e?.stop();
  });

  it('a manager opens Relatórios, picks a period, and sees the charts and their numbers in tables', async () => {
    const { page } = manager;
    await login(page, e2e.webUrl, MANAGER);
    await page.getByTestId('nav-reports').click();
    await page.waitForURL(/\/reports$/);
    await page.getByTestId('reports-page').waitFor();
    await page.getByRole('heading', { name: 'Relatórios', level: 1 }).waitFor();

    await page.getByTestId('report-from').fill('2026-03-02');
    await page.getByTestId('report-to').fill('2026-03-04');

    // The conversations chart is drawn (uPlot's canvas) and its table holds the seeded numbers, dd/mm.
    const table = page.getByTestId('table-conversations');
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).join(' | '), { timeout: 15_000 })
      .toBe('02/0320 | 03/0301 | 04/0310');
    await page.getByTestId('chart-conversations').locator('canvas').waitFor();
    expect(await page.getByTestId('chart-conversations').getAttribute('aria-label')).toContain('3 abertas e 1 resolvidas');
    expect(await table.locator('tfoot tr').textContent()).toBe('Total31');

    // Messages: two days with traffic, the chart and its table agree.
    await page.getByTestId('chart-messages').locator('canvas').waitFor();
    const messages = await page.getByTestId('table-messages').locator('tbody tr').allTextContents();
    expect(messages).toEqual(['02/0321', '03/0300', '04/0320']);

    // The first response (5 min) and the heatmap's busiest cell: Wednesday 10h local, two messages.
    await expect.poll(() => page.getByTestId('report-response-times').textContent()).toContain('5 min');
    expect(await page.getByTestId('table-busiest-hours').locator('td[data-count="2"]').count()).toBe(1);

    // Opening a table shows it to everyone, not only to screen readers.
    await page.getByTestId('report-conversations').getByText('Ver os números em tabela').click();
    await table.waitFor({ state: 'visible' });
    await screenshot(page, 'reports');
  });
});
