// JSON control API under /_fake for tests (in this process or another, e.g. the worker's) and the phone page.
// Errors use Conversa's own shape, { error: { code, message } }: this is not part of Meta's protocol.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  addTemplateFrom, configPatchSchema, failNext, failNextSchema, patchConfig, registerNumber, registerNumberSchema, setThrottle,
  setWindow, slowNext, slowNextSchema, templateInputSchema, throttleSchema, windowSchema,
} from './actions';
import { customerMessageSchema, sendCustomerMessage, UnknownNumberError } from './customer';
import { metaError } from './errors';
import { chatWith } from './preview';
import { resetState, settled, windowInfo, type FakeMetaState } from './state';
import { emitStatus } from './status-callbacks';
import { digitsOnly } from './webhooks';

const statusSchema = z.object({
  messageId: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  errorCode: z.number().int().positive().optional(),
  details: z.string().optional(),
});

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return {};
  }
}

export function createControlApp(state: FakeMetaState): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof z.ZodError) {
      const issue = err.issues[0];
      return c.json({ error: { code: 'invalid_input', message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` } }, 400);
    }
    if (err instanceof UnknownNumberError) return c.json({ error: { code: 'unknown_phone_number', message: err.message } }, 404);
    console.error('[fake-meta] control error:', err);
    return c.json({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }, 500);
  });

  app.get('/state', (c) => c.json({
    numbers: [...state.numbers.values()].map(({ accessToken: _t, ...n }) => n),
    templates: state.templates.length,
    outbound: state.outbound.length,
    inbound: state.inbound.length,
    requests: state.requests.length,
    webhooks: state.webhooks.length,
    pendingFailures: state.failures,
    throttles: Object.fromEntries(state.throttles),
    unreachable: [...state.unreachable],
    config: patchConfig(state, {}),
  }));

  app.get('/numbers', (c) => c.json({ data: [...state.numbers.values()] }));
  app.post('/numbers', async (c) => c.json(registerNumber(state, registerNumberSchema.parse(await jsonBody(c))), 201));

  app.get('/templates', (c) => {
    const wabaId = c.req.query('wabaId');
    return c.json({ data: state.templates.filter((t) => !wabaId || t.wabaId === wabaId) });
  });
  app.post('/templates', async (c) => c.json(addTemplateFrom(state, templateInputSchema.parse(await jsonBody(c))), 201));

  // A customer writes: builds and signs the webhook, posts it to Conversa, reports what Conversa answered.
  app.post('/customer-messages', async (c) => c.json(await sendCustomerMessage(state, customerMessageSchema.parse(await jsonBody(c))), 201));

  app.get('/window', (c) => {
    const { phoneNumberId, waId } = z.object({ phoneNumberId: z.string(), waId: z.string() }).parse(c.req.query());
    return c.json(windowInfo(state, phoneNumberId, digitsOnly(waId)));
  });
  app.post('/window', async (c) => c.json(setWindow(state, windowSchema.parse(await jsonBody(c)))));

  app.post('/fail-next', async (c) => {
    failNext(state, failNextSchema.parse(await jsonBody(c)));
    return c.json({ pending: state.failures }, 201);
  });
  app.delete('/fail-next', (c) => {
    state.failures.length = 0;
    return c.json({ pending: [] });
  });

  // Accepted but answered late: the customer gets the message, the caller's Graph call may time out first.
  app.post('/slow-next', async (c) => {
    slowNext(state, slowNextSchema.parse(await jsonBody(c)));
    return c.json({ pending: state.slowSends }, 201);
  });

  app.post('/throttle', async (c) => {
    setThrottle(state, throttleSchema.parse(await jsonBody(c)));
    return c.json({ throttles: Object.fromEntries(state.throttles) }, 201);
  });
  app.delete('/throttle', (c) => {
    state.throttles.clear();
    return c.json({ throttles: {} });
  });

  // Customers that are not on WhatsApp: sends to them fail with 131026.
  app.post('/unreachable', async (c) => {
    const { waId } = z.object({ waId: z.string().min(1) }).parse(await jsonBody(c));
    state.unreachable.add(digitsOnly(waId));
    return c.json({ unreachable: [...state.unreachable] }, 201);
  });
  app.delete('/unreachable/:waId', (c) => {
    state.unreachable.delete(digitsOnly(c.req.param('waId')));
    return c.json({ unreachable: [...state.unreachable] });
  });

  // Post one status for a sent message by hand (e.g. with autoStatuses off, or a late failure).
  app.post('/statuses', async (c) => {
    const input = statusSchema.parse(await jsonBody(c));
    const msg = state.outbound.find((m) => m.id === input.messageId);
    if (!msg) return c.json({ error: { code: 'unknown_message', message: `no sent message ${input.messageId}` } }, 404);
    const error = input.status === 'failed' ? metaError(input.errorCode ?? 131000, input.details ? { details: input.details } : {}) : undefined;
    const delivery = await emitStatus(state, msg, input.status, error);
    return c.json({ delivery: delivery ?? null });
  });

  app.get('/requests', (c) => {
    const { method, path } = c.req.query();
    return c.json({ data: state.requests.filter((r) => (!method || r.method === method.toUpperCase()) && (!path || r.path.includes(path))) });
  });
  app.delete('/requests', (c) => {
    state.requests.length = 0;
    return c.json({ data: [] });
  });

  app.get('/sent', (c) => {
    const { phoneNumberId, to } = c.req.query();
    return c.json({ data: state.outbound.filter((m) => (!phoneNumberId || m.phoneNumberId === phoneNumberId) && (!to || m.waId === digitsOnly(to))) });
  });
  app.get('/inbound', (c) => c.json({ data: state.inbound }));
  app.get('/webhooks', (c) => c.json({ data: state.webhooks }));

  // One customer's chat, both directions, for the phone page.
  app.get('/messages', (c) => {
    const { phoneNumberId, waId } = z.object({ phoneNumberId: z.string().min(1), waId: z.string().min(1) }).parse(c.req.query());
    return c.json({ data: chatWith(state, phoneNumberId, digitsOnly(waId)), window: windowInfo(state, phoneNumberId, digitsOnly(waId)) });
  });

  // Media bytes without a token: for the page's <img>, never part of Meta's protocol.
  app.get('/media/:id', (c) => {
    const media = state.media.get(c.req.param('id'));
    if (!media) return c.json({ error: { code: 'not_found', message: 'no such media' } }, 404);
    return c.body(new Uint8Array(media.bytes), 200, { 'Content-Type': media.mimeType });
  });

  app.get('/config', (c) => c.json(patchConfig(state, {})));
  app.patch('/config', async (c) => c.json(patchConfig(state, configPatchSchema.parse(await jsonBody(c)))));

  // Resolves when every pending status callback has been posted: lets tests in another process wait.
  app.post('/settle', async (c) => {
    await settled(state);
    return c.json({ settled: true });
  });

  app.post('/reset', async (c) => {
    const { all } = z.object({ all: z.boolean().default(false) }).parse(await jsonBody(c));
    resetState(state, all);
    return c.json({ reset: true, all });
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no control route ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
