// The local fake Evolution API v2 (the Baileys-based WhatsApp gateway): its REST API with the global apikey,
// instances that connect by QR code, webhooks as Evolution posts them, a phone page and a /_fake control API,
// served on Node. startFakeEvolution() is what dev and tests use; main.ts runs it alone.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApiApp } from './api';
import { createControlApp, instanceSummary, patchConfig, type ConfigPatch } from './control';
import { sendCustomerMessage, sendHistory, type CustomerMessageInput, type CustomerMessageResult } from './inbound';
import { closeInstance, openInstance, type ScanInput } from './lifecycle';
import { emitStatus } from './messages';
import { registerPhonePage } from './phone';
import {
  createState, DEFAULT_CONFIG, findMessage, resetState, settled, stopRuntime,
  type AckStatus, type FakeEvolutionState, type Instance, type ReadRecord, type SentRecord, type WebhookRecord,
} from './state';
import { emit } from './webhook';

export interface FakeEvolutionOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The global API key (Conversa's EVOLUTION_API_KEY). */
  apiKey: string;
  /** An instance's QR code scans itself this long after it starts connecting (default 4000); null = only on request. */
  autoScanMs?: number | null;
  /** send.message is always posted; this adds SERVER_ACK → DELIVERY_ACK → READ (default true). */
  autoStatuses?: boolean;
  statusDelayMs?: number;
  qrRefreshMs?: number;
  /** Numbers that are not on WhatsApp (digits, or prefixes ending in "*"); default ["55119999*"]. */
  notOnWhatsApp?: string[];
  /** Extra attempts for a failed webhook delivery (default 3). */
  webhookRetries?: number;
}

export interface FakeEvolution {
  /** http://host:port — Conversa's EVOLUTION_API_URL; the phone page is here too, the control API under /_fake. */
  url: string;
  apiKey: string;
  state: FakeEvolutionState;
  instance(name: string): Instance | undefined;
  /** The phone scans the QR code now. */
  scan(name: string, input?: ScanInput): Promise<void>;
  /** The connection drops (connection.update close, 428 unless given). */
  disconnect(name: string, statusReason?: number): Promise<void>;
  /** A customer writes; resolves once messages.upsert was delivered. */
  customerMessage(name: string, input: CustomerMessageInput): Promise<CustomerMessageResult>;
  history(name: string, inputs: CustomerMessageInput[]): ReturnType<typeof sendHistory>;
  /** messages.update for one message, by hand. */
  status(name: string, id: string, status: AckStatus): Promise<void>;
  /** messages.delete for one message. */
  deleted(name: string, key: { id: string; remoteJid: string; fromMe?: boolean; participant?: string }): Promise<void>;
  configure(patch: ConfigPatch): void;
  sent(filter?: { instance?: string; number?: string }): SentRecord[];
  read(): ReadRecord[];
  webhooks(filter?: { instance?: string; event?: string }): WebhookRecord[];
  /** Waits until every queued webhook has been posted. */
  settled(): Promise<void>;
  /** Forgets every instance and all traffic; restores the start config. */
  reset(): void;
  close(): Promise<void>;
}

/** The whole fake as one Hono app (no server): control API, phone page, Evolution API. */
export function createFakeEvolutionApp(state: FakeEvolutionState): Hono {
  const app = new Hono();
  app.route('/_fake', createControlApp(state));
  registerPhonePage(app);
  app.route('/', createApiApp(state));
  return app;
}

export async function startFakeEvolution(opts: FakeEvolutionOptions): Promise<FakeEvolution> {
  const host = opts.host ?? '127.0.0.1';
  const state = createState({
    ...DEFAULT_CONFIG,
    apiKey: opts.apiKey,
    ...(opts.autoScanMs !== undefined ? { autoScanMs: opts.autoScanMs } : {}),
    ...(opts.autoStatuses !== undefined ? { autoStatuses: opts.autoStatuses } : {}),
    ...(opts.statusDelayMs !== undefined ? { statusDelayMs: opts.statusDelayMs } : {}),
    ...(opts.qrRefreshMs !== undefined ? { qrRefreshMs: opts.qrRefreshMs } : {}),
    ...(opts.notOnWhatsApp !== undefined ? { notOnWhatsApp: opts.notOnWhatsApp } : {}),
    ...(opts.webhookRetries !== undefined ? { webhookRetries: opts.webhookRetries } : {}),
  });
  const app = createFakeEvolutionApp(state);

  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    const srv = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) => resolve({ server: srv as Server, port: info.port }));
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${opts.port} on ${host} is already in use (fake Evolution)`) : err);
    });
  });

  const url = `http://${host}:${port}`;
  state.serverUrl = url;
  const need = (name: string): Instance => {
    const inst = state.instances.get(name);
    if (!inst) throw new Error(`fake Evolution: no instance "${name}"`);
    return inst;
  };
  return {
    url,
    apiKey: opts.apiKey,
    state,
    instance: (name) => state.instances.get(name),
    scan: (name, input) => openInstance(state, need(name), input),
    disconnect: (name, statusReason = 428) => closeInstance(state, need(name), statusReason),
    customerMessage: (name, input) => sendCustomerMessage(state, need(name), input),
    history: (name, inputs) => sendHistory(state, need(name), inputs),
    status: async (name, id, status) => {
      const stored = findMessage(state, name, id);
      if (!stored) throw new Error(`fake Evolution: no message ${id} on "${name}"`);
      await emitStatus(state, need(name), stored, status);
    },
    deleted: async (name, key) => {
      await emit(state, need(name), 'messages.delete', { remoteJid: key.remoteJid, fromMe: key.fromMe ?? false, id: key.id, ...(key.participant ? { participant: key.participant } : {}) });
    },
    configure: (patch) => void patchConfig(state, patch),
    sent: (filter = {}) => state.sent.filter((s) => (!filter.instance || s.instance === filter.instance)
      && (!filter.number || s.number === filter.number || s.number === filter.number.replace(/\D/g, ''))),
    read: () => state.read,
    webhooks: (filter = {}) => state.webhooks.filter((w) => (!filter.instance || w.instance === filter.instance) && (!filter.event || w.event === filter.event)),
    settled: () => settled(state),
    reset: () => resetState(state),
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

export { instanceSummary };
export { lidOf, groupJidOf, type CustomerMessageInput, type CustomerMessageResult } from './inbound';
export type { Envelope } from './webhook';
export type { AckStatus, FakeEvolutionState, Instance, MessageRaw, SentRecord, WebhookRecord } from './state';
