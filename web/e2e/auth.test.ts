// Accounts in the browser: sign-up creates an organisation, the session survives reloads (silent refresh through
// the httpOnly cookie) even with several tabs refreshing at once, logout, forgot/reset password, bad links.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserAvailable, login, MANAGER, mailedToken, openBrowser, screenshot, startE2E, type E2E, type Person, shootOnFailure } from './support';

const OWNER = { org: 'Padaria Pão Quente', name: 'Paulo Padeiro', email: 'paulo@paoquente.com.br', password: 'pao-quente-2025' };

describe.skipIf(!browserAvailable('web/e2e/auth.test.ts'))('accounts', () => {
  let e2e: E2E;
  let owner: Person;

  beforeAll(async () => {
    e2e = await startE2E();
    owner = await openBrowser();
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => owner?.page));
  afterAll(async () => {
    await owner?.close();
    await e2e?.stop();
  });

  it('signs up a new company and lands in its empty inbox as admin', async () => {
    const { page } = owner;
    await page.goto(`${e2e.webUrl}/login`);
    await page.getByRole('link', { name: 'Criar conta da empresa' }).click();
    await page.getByLabel('Nome da empresa').fill(OWNER.org);
    await page.getByLabel('Seu nome').fill(OWNER.name);
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel('Senha').fill('curta');
    await page.getByRole('button', { name: 'Criar conta' }).click();
    await page.getByText('A senha precisa ter pelo menos 8 caracteres.').waitFor();
    await page.getByLabel('Senha').fill(OWNER.password);
    await page.getByRole('button', { name: 'Criar conta' }).click();
    await page.waitForURL(/\/inbox/);
    await page.getByText('Nenhuma conversa aqui.').waitFor();
    // First run: the checklist on the empty inbox, each step a link to its page, ticked as it is done.
    const onboarding = page.getByTestId('onboarding');
    await onboarding.getByText('0 de 5 feitos').waitFor();
    await screenshot(page, 'onboarding-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'onboarding-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await onboarding.getByRole('link', { name: 'Criar etiquetas' }).click();
    await page.waitForURL(/\/settings\/labels$/);
    await page.getByTestId('label-new').click();
    await page.getByTestId('label-name').fill('Orçamento');
    await page.getByTestId('label-save').click();
    await page.getByTestId('label-list').getByText('Orçamento').waitFor();
    await page.getByRole('link', { name: 'Caixa de entrada' }).click();
    await onboarding.getByText('1 de 5 feitos').waitFor();
    expect(await onboarding.getByTestId('onboarding-labels').getAttribute('data-done')).toBe('true');
    expect(await onboarding.getByTestId('onboarding-channel').getAttribute('data-done')).toBe('false');
    await page.getByTestId('account-menu').click();
    expect(await page.locator('#account-menu').textContent()).toContain(`${OWNER.org} · Administrador`);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Configurações' }).click();
    await page.getByTestId('settings-channels').click();
    await page.getByText('Nenhum número conectado ainda.').waitFor();
  });

  it('stays logged in across reloads, with several tabs refreshing at once', async () => {
    const { context, page } = owner;
    await page.reload();
    await page.getByRole('heading', { name: 'Canais do WhatsApp' }).waitFor();
    // Three tabs load at the same moment: each needs a token, and the refresh token must never be presented twice.
    const tabs = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((t) => t.goto(`${e2e.webUrl}/inbox`)));
    for (const t of tabs) await t.getByRole('heading', { name: 'Conversas' }).waitFor();
    await Promise.all(tabs.map((t) => t.reload()));
    for (const t of tabs) await t.getByRole('heading', { name: 'Conversas' }).waitFor();
    expect(tabs.every((t) => t.url().endsWith('/inbox'))).toBe(true);
    await Promise.all(tabs.map((t) => t.close()));
    await page.reload();
    await page.getByRole('heading', { name: 'Canais do WhatsApp' }).waitFor();
  });

  it('logs out, and a protected page asks for the login and comes back', async () => {
    const { page } = owner;
    await page.getByTestId('account-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${e2e.webUrl}/settings/templates`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Ftemplates/);
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel('Senha', { exact: true }).fill('senha-errada');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('E-mail ou senha incorretos.').waitFor();
    await page.getByLabel('Senha', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(/\/settings\/templates$/);
    await page.getByRole('heading', { name: 'Modelos de mensagem' }).waitFor();
  });

  it('recovers from an expired access token with one silent refresh', async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Caixa de entrada' }).click();
    await page.getByText('Nenhuma conversa aqui.').waitFor();
    let refreshes = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/auth/refresh')) refreshes++;
    });
    // The next list request finds the token expired, as after 15 minutes.
    let expired = false;
    await page.route('**/api/v1/conversations?*', async (route) => {
      if (expired) return route.continue();
      expired = true;
      await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_token', message: 'Invalid or expired access token' } }) });
    });
    await page.getByTestId('filter-unassigned').click();
    await expect.poll(() => expired).toBe(true);
    await page.getByText('Nenhuma conversa aqui.').waitFor();
    expect(refreshes).toBe(1);
    expect(page.url()).toMatch(/\/inbox$/);
    await page.unroute('**/api/v1/conversations?*');
  });

  it('resets a forgotten password from the e-mailed link', async () => {
    const visitor = await openBrowser();
    try {
      const { page } = visitor;
      await page.goto(`${e2e.webUrl}/login`);
      await page.getByRole('link', { name: 'Esqueci minha senha' }).click();
      await page.getByLabel('E-mail').fill(MANAGER);
      await page.getByRole('button', { name: 'Enviar link' }).click();
      await page.getByText('Se existir uma conta com este e-mail').waitFor();
      const token = await mailedToken(e2e.apiUrl, MANAGER, 'reset-password');
      await page.goto(`${e2e.webUrl}/reset-password?token=${encodeURIComponent(token)}`);
      await page.getByLabel('Nova senha').fill('gerente-nova-senha');
      await page.getByLabel('Confirme a senha').fill('gerente-nova-senha');
      await page.getByRole('button', { name: 'Salvar nova senha' }).click();
      await page.getByText('Senha alterada. Entre com a nova senha.').waitFor();
      await screenshot(page, 'reset-password');
      await login(page, e2e.webUrl, MANAGER, 'gerente-nova-senha');
      await page.getByRole('heading', { name: 'Conversas' }).waitFor();
    } finally {
      await visitor.close();
    }
  });

  it('explains broken invitation and reset links', async () => {
    const visitor = await openBrowser({ width: 375, height: 700 });
    try {
      const { page } = visitor;
      await page.goto(`${e2e.webUrl}/accept-invite?token=${'x'.repeat(43)}`);
      await page.getByText('Este convite é inválido, expirou ou já foi usado.').waitFor();
      await page.goto(`${e2e.webUrl}/reset-password`);
      await page.getByText('Este link de redefinição está incompleto.').waitFor();
      await page.goto(`${e2e.webUrl}/login`);
      await screenshot(page, 'login-phone');
    } finally {
      await visitor.close();
    }
  });
});
