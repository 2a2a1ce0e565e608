// The local fake Meta WhatsApp Cloud API: Graph API + webhook emitter + customer phone page + /_fake control API,
// served on Node. startFakeMeta() is what dev and tests use; main.ts runs it alone.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import {
  addTemplateFrom, failNext, patchConfig, registerNumber, setThrottle, setWindow,
  type ConfigPatch, type FailNextInput, type RegisterNumberInput, type TemplateInput, type ThrottleInput, type WindowInput,
} from './actions';
import { createControlApp } from './control';
import { sendCustomerMessage, type CustomerMessageInput, type CustomerMessageResult } from './customer';
import { unknownPathError } from './errors';
import { createGraphApp } from './graph';
import { sendGraphError, VERSIONED_PATH } from './graph-common';
import { registerPhonePage } from './phone';
import {
  createState, resetState, settled, stopRuntime, windowInfo,
  type ConfigInput, type FakeMetaState, type InboundRecord, type OutboundMessage, type PhoneNumber, type RecordedRequest, type Template,
} from './state';
import { digitsOnly } from './webhooks';

export interface FakeMetaOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Conversa's webhook endpoint, e.g. http://127.0.0.1:8787/webhooks/whatsapp. */
  webhookUrl: string;
  /** The Meta app secret that signs webhooks (Conversa's META_APP_SECRET). */
  appSecret: string;
  graphVersion?: string;
  autoStatuses?: boolean;
  statusDelayMs?: number;
  /** Further config (retries, error delivery per code, media URL lifetime …). */
  config?: Partial<Omit<ConfigInput, 'webhookUrl' | 'appSecret'>>;
  /** Clock for the 24 h window and timestamps; defaults to Date.now. */
  now?: () => number;
}

export interface FakeMeta {
  /** http://host:port — the phone page is here, the control API under /_fake. */
  url: string;
  /** What Conversa's META_GRAPH_BASE_URL should be, e.g. http://127.0.0.1:PORT/v21.0. */
  graphBaseUrl: string;
  state: FakeMetaState;
  registerNumber(input: RegisterNumberInput): PhoneNumber;
  addTemplate(input: TemplateInput): Template;
  sendCustomerMessage(input: CustomerMessageInput): Promise<CustomerMessageResult>;
  setWindow(input: WindowInput): ReturnType<typeof windowInfo>;
  failNext(input: FailNextInput): void;
  throttle(input?: ThrottleInput): void;
  clearThrottle(): void;
  markUnreachable(waId: string): void;
  configure(patch: ConfigPatch): void;
  /** Recorded Graph API requests, optionally only those whose path contains `path`. */
  requests(filter?: { method?: string; path?: string }): RecordedRequest[];
  sentMessages(filter?: { phoneNumberId?: string; to?: string }): OutboundMessage[];
  inboundMessages(): InboundRecord[];
  /** Waits until every scheduled status callback has been posted. */
  settled(): Promise<void>;
  reset(all?: boolean): void;
  close(): Promise<void>;
}

/** The whole fake as one Hono app (no server): control API, phone page, Graph API, Graph-shaped 404s. */
export function createFakeMetaApp(state: FakeMetaState): Hono {
  const app = new Hono();
  app.route('/_fake', createControlApp(state));
  registerPhonePage(app);
  app.route('/', createGraphApp(state));
  app.notFound((c) => {
    if (VERSIONED_PATH.test(c.req.path)) return sendGraphError(c, unknownPathError(c.req.path.replace(/^\/v[\d.]+/, '')));
    return c.json({ error: { code: 'not_found', message: `${c.req.method} ${c.req.path}` } }, 404);
  });
  return app;
}

export async function startFakeMeta(opts: FakeMetaOptions): Promise<FakeMeta> {
  const host = opts.host ?? '127.0.0.1';
  const state = createState({
    ...opts.config,
    webhookUrl: opts.webhookUrl,
    appSecret: opts.appSecret,
    ...(opts.graphVersion ? { graphVersion: opts.graphVersion } : {}),
    ...(opts.autoStatuses !== undefined ? { autoStatuses: opts.autoStatuses } : {}),
    ...(opts.statusDelayMs !== undefined ? { statusDelayMs: opts.statusDelayMs } : {}),
  }, opts.now);
  const app = createFakeMetaApp(state);

  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    const srv = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => resolve({ server: srv as Server, port: info.port }));
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${opts.port} on ${host} is already in use (fake Meta)`) : err);
    });
  });

  const url = `http://${host}:${port}`;
  return {
    url,
    graphBaseUrl: `${url}/${state.config.graphVersion}`,
    state,
    registerNumber: (input) => registerNumber(state, input),
    addTemplate: (input) => addTemplateFrom(state, input),
    sendCustomerMessage: (input) => sendCustomerMessage(state, input),
    setWindow: (input) => setWindow(state, input),
    failNext: (input) => failNext(state, input),
    throttle: (input = {}) => setThrottle(state, input),
    clearThrottle: () => state.throttles.clear(),
    markUnreachable: (waId) => void state.unreachable.add(digitsOnly(waId)),
    configure: (patch) => void patchConfig(state, patch),
    requests: (filter = {}) => state.requests.filter((r) =>
      (!filter.method || r.method === filter.method.toUpperCase()) && (!filter.path || r.path.includes(filter.path))),
    sentMessages: (filter = {}) => state.outbound.filter((m) =>
      (!filter.phoneNumberId || m.phoneNumberId === filter.phoneNumberId) && (!filter.to || m.waId === digitsOnly(filter.to))),
    inboundMessages: () => state.inbound,
    settled: () => settled(state),
    reset: (all = false) => resetState(state, all),
    close: async () => {
      stopRuntime(state);
      await settled(state);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// One import path for users of the fake: builders, signing and delivery, and the demo seed.
export * from './webhooks';
export { DEMO_NUMBER, seedDemo } from './demo';
export type { FakeMetaState } from './state';
