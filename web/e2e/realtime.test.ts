// The realtime client against the protocol, with the conversation socket played by the test (Playwright's
// routeWebSocket) and everything else real: the ticket in the URL, events rendered live, the "typing" command,
// reads over REST (the room holds no database connection), reconnecting with ?after=<last seq>, and a REST reload after a seq gap or a "resync".
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENT, MANAGER, apiAs, browserAvailable, customerSays, login, openBrowser, startE2E, type E2E, type Person, shootOnFailure } from './support';

interface Socket {
  url: URL;
  route: WebSocketRoute;
  received: string[];
}

describe.skipIf(!browserAvailable('web/e2e/realtime.test.ts'))('realtime protocol (conversation socket)', () => {
  let e2e: E2E;
  let agent: Person;
  const sockets: Socket[] = [];
  let messageLoads = 0;
  let reads = 0;
  let conversationId = '';

  beforeAll(async () => {
    e2e = await startE2E();
    agent = await openBrowser();
    await agent.context.routeWebSocket(/\/api\/v1\/conversations\/[^/]+\/ws/, (route) => {
      const socket: Socket = { url: new URL(route.url()), route, received: [] };
      route.onMessage((m) => {
        const text = String(m);
        if (text === 'ping') route.send('pong');
        else socket.received.push(text);
      });
      sockets.push(socket);
    });
    agent.page.on('request', (r) => {
      if (r.method() === 'GET' && /\/api\/v1\/conversations\/[^/]+\/messages/.test(r.url())) messageLoads++;
      if (r.method() === 'POST' && /\/api\/v1\/conversations\/[^/]+\/read$/.test(r.url())) reads++;
    });
  });
  beforeEach((ctx) => shootOnFailure(ctx, () => agent?.page));
  afterAll(async () => {
    await agent?.close();
    await e2e?.stop();
  });

  const last = () => sockets[sockets.length - 1]!;
  const event = (type: string, data: unknown, seq: number) => last().route.send(JSON.stringify({ type, data, seq }));
  const inbound = (id: string, body: string) => ({
    id, conversationId, direction: 'inbound', kind: 'text', isPrivate: false, body, payload: {}, media: null,
    providerMessageId: `wamid.${id}`, replyToMessageId: null, replyToProviderId: null, status: 'received', error: null,
    senderUserId: null, clientId: null, reactions: [], providerTimestamp: new Date().toISOString(), sentAt: null,
    deliveredAt: null, readAt: null, failedAt: null, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
    deletedAt: null,
  });

  it('connects with a ticket and renders events as they come', async () => {
    const { page } = agent;
    await login(page, e2e.webUrl, AGENT);
    // Real time is there when the ticket endpoint answers.
    await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
    await customerSays(e2e, '5511955554444', 'Rita Rocha', 'Oi! Tudo bem?');
    await page.getByTestId('conversation').filter({ hasText: 'Rita Rocha' }).click();
    await page.getByTestId('messages').getByText('Oi! Tudo bem?').waitFor();
    conversationId = page.url().split('/').pop()!;

    await expect.poll(() => sockets.length).toBe(1);
    expect(last().url.pathname).toBe(`/api/v1/conversations/${conversationId}/ws`);
    expect(last().url.searchParams.get('ticket')?.length).toBeGreaterThan(20);
    expect(last().url.searchParams.has('after')).toBe(false);

    event('typing', { userId: crypto.randomUUID(), state: 'on' }, 0);
    await page.getByText('Outro atendente está digitando…').waitFor();

    const readsBefore = reads;
    event('message.created', inbound('0195a000-0000-7000-8000-000000000001', 'Chegou pelo socket'), 1);
    await page.getByTestId('messages').getByText('Chegou pelo socket').waitFor();
    // A new customer message in the open chat is read at once, over REST (never a socket command); typing stops showing.
    await expect.poll(() => reads).toBeGreaterThan(readsBefore);
    expect(last().received.some((m) => JSON.parse(m).type === 'read')).toBe(false);
    await expect.poll(() => page.getByText('Outro atendente está digitando…').count()).toBe(0);

    const withReaction = { ...inbound('0195a000-0000-7000-8000-000000000001', 'Chegou pelo socket'), reactions: [{ emoji: '👍', contactId: null, userId: null }], updatedAt: new Date(Date.now() + 1000).toISOString() };
    event('message.updated', withReaction, 2);
    await page.getByRole('list', { name: 'Reações' }).getByText('👍').waitFor();
  });

  it('sends typing while the agent writes', async () => {
    const { page } = agent;
    await page.getByTestId('composer-input').pressSequentially('Tudo ótimo', { delay: 20 });
    await expect.poll(() => last().received.map((m) => JSON.parse(m)).some((m) => m.type === 'typing' && m.data?.state === 'on')).toBe(true);
    await page.getByTestId('composer-input').fill('');
  });

  it('reconnects with the last seq and reloads over REST after a gap or a resync', async () => {
    const { page } = agent;
    last().route.close({ code: 1012, reason: 'restart' });
    await expect.poll(() => sockets.length, { timeout: 15_000 }).toBe(2);
    expect(last().url.searchParams.get('after')).toBe('2');
    await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection')).toBe('live');

    const before = messageLoads;
    event('message.created', inbound('0195a000-0000-7000-8000-000000000002', 'Depois de um buraco'), 5);
    await page.getByTestId('messages').getByText('Depois de um buraco').waitFor();
    await expect.poll(() => messageLoads).toBeGreaterThan(before);

    const beforeResync = messageLoads;
    event('resync', { reason: 'history_gone' }, 9);
    await expect.poll(() => messageLoads).toBeGreaterThan(beforeResync);
    // What REST returns and what the socket said both stay on screen.
    await page.getByTestId('messages').getByText('Oi! Tudo bem?').waitFor();
    await page.getByTestId('messages').getByText('Chegou pelo socket').waitFor();
  });

  it('loads older history when scrolling up, and never moves what the agent is reading', async () => {
    const { page } = agent;
    for (let i = 1; i <= 70; i++) await customerSays(e2e, '5511944443333', 'Hugo Histórico', `Histórico ${String(i).padStart(2, '0')}`);
    const hugo = page.getByTestId('conversation').filter({ hasText: 'Hugo Histórico' });
    await expect.poll(() => hugo.getByTestId('unread').textContent(), { timeout: 30_000 }).toContain('70');
    const socketsBefore = sockets.length;
    await hugo.click();
    conversationId = page.url().split('/').pop()!;
    const box = page.getByTestId('messages');
    await box.getByText('Histórico 70').waitFor();
    await expect.poll(() => sockets.length).toBe(socketsBefore + 1);
    // One page (50) first; the newest is in view at the bottom.
    expect(await box.getByText('Histórico 01').count()).toBe(0);
    const gap = () => box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    expect(await gap()).toBeLessThan(2);

    // Scroll to the top: the older page is added above without moving the message that was in view.
    const oldest = await box.evaluate((el) => {
      const first = [...el.querySelectorAll('[data-testid=message]')][0]!;
      el.scrollTop = 0;
      return { id: first.id, top: first.getBoundingClientRect().top };
    });
    await box.getByText('Histórico 01').waitFor();
    const after = await page.locator(`[id="${oldest.id}"]`).evaluate((el) => el.getBoundingClientRect().top);
    expect(Math.abs(after - oldest.top)).toBeLessThan(3);
    await box.getByText('Início da conversa').waitFor();

    // Scrolled up, a new message does not move the view: a button offers to jump to it.
    const before = await box.evaluate((el) => el.scrollTop);
    event('message.created', inbound('0195a000-0000-7000-8000-000000000071', 'Histórico 71'), 1);
    await box.getByText('Histórico 71').waitFor({ state: 'attached' });
    expect(await box.evaluate((el) => el.scrollTop)).toBe(before);
    await page.getByRole('button', { name: /Novas mensagens \(1\)/ }).click();
    await expect.poll(gap).toBeLessThan(2);

    // At the bottom, new messages keep it pinned there.
    event('message.created', inbound('0195a000-0000-7000-8000-000000000072', 'Histórico 72'), 2);
    await box.getByText('Histórico 72').waitFor();
    await expect.poll(gap).toBeLessThan(2);
  });

  it('polls while the ticket endpoint answers 404, and switches to sockets once it answers', async () => {
    const manager = await openBrowser();
    try {
      const { context, page } = manager;
      await context.addInitScript(() => localStorage.setItem('conversa.reprobeMs', '1500'));
      let tickets = 0;
      await context.route('**/api/v1/realtime/ticket', async (route) => {
        tickets++;
        await route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'No route' } }) });
      });
      await login(page, e2e.webUrl, MANAGER);
      await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection')).toBe('polling');
      // Still asking now and then.
      await expect.poll(() => tickets, { timeout: 10_000 }).toBeGreaterThan(1);
      await context.unroute('**/api/v1/realtime/ticket');
      await expect.poll(() => page.getAttribute('[data-connection]', 'data-connection'), { timeout: 15_000 }).toBe('live');
      // And live it is: a customer message shows up without polling.
      await customerSays(e2e, '5511922221111', 'Sofia Souza', 'Chegou ao vivo?');
      await page.getByTestId('conversation').filter({ hasText: 'Sofia Souza' }).waitFor({ timeout: 10_000 });
    } finally {
      await manager.close();
    }
  });

  it('shows a label renamed or deleted elsewhere at once, on the row and in the open chat', async () => {
    const { page } = agent;
    const manager = await apiAs(e2e.apiUrl, MANAGER);
    const created = await manager.call<{ label: { id: string } }>('POST', '/api/v1/labels', { name: 'Atacado ao vivo' });
    expect(created.status).toBe(201);
    const { id } = created.body.label;
    expect((await manager.call('POST', `/api/v1/conversations/${conversationId}/labels`, { labelIds: [id] })).status).toBe(200);
    const row = page.getByTestId('conversation').filter({ hasText: 'Hugo Histórico' });
    const panel = page.getByTestId('conversation-labels');
    await row.getByText('Atacado ao vivo').waitFor();
    await panel.getByText('Atacado ao vivo').waitFor();

    // The conversation socket is the test's: these arrive only as label events on the real inbox socket.
    expect((await manager.call('PATCH', `/api/v1/labels/${id}`, { name: 'Varejo ao vivo' })).status).toBe(200);
    await row.getByText('Varejo ao vivo').waitFor();
    await panel.getByText('Varejo ao vivo').waitFor();
    expect(await row.getByText('Atacado ao vivo').count()).toBe(0);
    expect(await page.getByTestId('label-filter').locator('option', { hasText: 'Varejo ao vivo' }).count()).toBe(1);

    expect((await manager.call('DELETE', `/api/v1/labels/${id}`)).status).toBe(204);
    await expect.poll(() => row.getByText('Varejo ao vivo').count()).toBe(0);
    await expect.poll(() => panel.getByText('Varejo ao vivo').count()).toBe(0);
    await expect.poll(() => page.getByTestId('label-filter').locator('option', { hasText: 'Varejo ao vivo' }).count()).toBe(0);
  });

  it('after a 4003 close re-checks access: reconnects while the chat is still its own, shows it unavailable once reassigned', async () => {
    const { page } = agent;
    const manager = await apiAs(e2e.apiUrl, MANAGER);
    // Closed for an access change that kept access (e.g. a role change): back on the socket, resuming from its seq.
    const before = sockets.length;
    last().route.close({ code: 4003, reason: 'role changed' });
    await expect.poll(() => sockets.length, { timeout: 15_000 }).toBe(before + 1);
    expect(last().url.searchParams.get('after')).toBe('2');

    // Given to the manager: the room closes the agent's socket (played here), the chat says so and stays closed.
    expect((await manager.call('PATCH', `/api/v1/conversations/${conversationId}`, { assigneeId: manager.userId })).status).toBe(200);
    last().route.close({ code: 4003, reason: 'reassigned' });
    await page.getByText('Você não tem acesso a esta conversa: ela está com outro atendente.').waitFor();
    // The real inbox socket hid the row.
    await expect.poll(() => page.getByTestId('conversation').filter({ hasText: 'Hugo Histórico' }).count()).toBe(0);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(sockets.length).toBe(before + 1);
  });
});
