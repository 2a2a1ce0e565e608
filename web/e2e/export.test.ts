// LGPD access request in the browser: an admin clicks "Exportar dados (LGPD)" on a contact's page, watches it being
// built by the queue, downloads the ZIP and it opens — the expected files, the contact and their message inside.
// Real worker, queue, R2 (miniflare), Postgres and fake Meta.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, apiAs, browserAvailable, customerSays, login, openBrowser, shootOnFailure, startE2E, type E2E, type Person } from './support';

describe.skipIf(!browserAvailable('web/e2e/export.test.ts'))('LGPD data export', () => {
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

  it('exports a contact as a ZIP from the contact page and the file opens', async () => {
    const name = 'Paula Exporta';
    await customerSays(e2e, '5511966667777', name, 'Quero uma cópia dos meus dados.');
    const api = await apiAs(e2e.apiUrl, ADMIN);
    let contactId = '';
    await expect
      .poll(async () => {
        const r = await api.call<{ data: { id: string }[] }>('GET', '/api/v1/contacts?q=Paula');
        contactId = r.body.data[0]?.id ?? '';
        return contactId;
      }, { timeout: 15_000 })
      .not.toBe('');
    expect((await api.call('POST', `/api/v1/contacts/${contactId}/notes`, { body: 'Pedido de acesso recebido por e-mail' })).status).toBe(201);

    const a = admin.page;
    await login(a, e2e.webUrl, ADMIN);
    await a.goto(`${e2e.webUrl}/contacts/${contactId}`);
    await a.getByTestId('contact-title').filter({ hasText: name }).waitFor();
    await a.getByRole('button', { name: 'Exportar dados (LGPD)' }).click();
    const link = a.getByTestId('data-export-download');
    await link.waitFor({ timeout: 30_000 });
    expect(await a.getByTestId('data-export-ready').textContent()).toContain('O link vale até');

    const [download] = await Promise.all([a.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`dados-contato-${contactId}.zip`);
    const zip = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    const names = Object.keys(zip);
    expect(names).toEqual(expect.arrayContaining(['contato.json', 'notas.json', 'negocios.json', 'conversas.json', 'auditoria.json', 'consentimento.json', 'resumo.html']));
    const contact = JSON.parse(strFromU8(zip['contato.json']!));
    expect(contact).toMatchObject({ id: contactId, profileName: name, waId: '5511966667777' });
    expect(JSON.parse(strFromU8(zip['notas.json']!)).map((n: { body: string }) => n.body)).toEqual(['Pedido de acesso recebido por e-mail']);
    const pages = names.filter((n) => /^conversas\/[0-9a-f-]+\/mensagens-\d{4}\.json$/.test(n));
    expect(pages).toHaveLength(1);
    const bodies = JSON.parse(strFromU8(zip[pages[0]!]!)).map((m: { body: string | null }) => m.body);
    expect(bodies).toContain('Quero uma cópia dos meus dados.');
    expect(strFromU8(zip['resumo.html']!)).toContain(`Dados pessoais de ${name}`);
  });
});
