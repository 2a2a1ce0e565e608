// Everything the fake Evolution server knows, in memory: its instances (connection state, QR code, webhook), the
// messages that went through them (with media bytes), what Conversa sent and marked as read, every webhook delivery,
// and test switches (forced failures, numbers not on WhatsApp, latency). One object so tests can read it directly.
import type { Source } from './ids';

export type ConnectionState = 'open' | 'connecting' | 'close';

export type EventName =
  | 'qrcode.updated' | 'connection.update' | 'messages.upsert' | 'messages.update' | 'messages.delete' | 'messages.set' | 'send.message';

export type AckStatus = 'ERROR' | 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED';

export interface FakeEvolutionConfig {
  /** The global API key (AUTHENTICATION_API_KEY on a real server). */
  apiKey: string;
  /** The QR code "scans itself" this long after the instance starts connecting; null = only on /_fake/…/scan. */
  autoScanMs: number | null;
  /** After each send: send.message, then messages.update SERVER_ACK → DELIVERY_ACK → READ. */
  autoStatuses: boolean;
  statusDelayMs: number;
  /** Baileys shows a new QR code this often until it is scanned. */
  qrRefreshMs: number;
  /** Numbers that are not on WhatsApp: exact digits, or a prefix ending in "*". */
  notOnWhatsApp: string[];
  /** Added before every Evolution API answer. */
  latencyMs: number;
  /** Extra attempts for a webhook the receiver failed (non-2xx or unreachable). */
  webhookRetries: number;
  webhookTimeoutMs: number;
}

export interface WebhookConfig {
  id: string;
  url: string;
  enabled: boolean;
  headers: Record<string, string>;
  /** As given ("MESSAGES_UPSERT"); empty = every event. */
  events: string[];
  webhookByEvents: boolean;
  webhookBase64: boolean;
  createdAt: string;
  updatedAt: string;
  instanceId: string;
}

export interface QrCode {
  code: string;
  base64: string;
  count: number;
}

export interface Instance {
  id: string;
  name: string;
  token: string;
  state: ConnectionState;
  /** The business phone's number (digits); its JID is the webhooks' `sender` once it has connected. */
  owner: string;
  profileName: string;
  /** Set once the QR code was scanned: before that Evolution knows no wuid. */
  connectedOnce: boolean;
  webhook: WebhookConfig | null;
  qr: QrCode | null;
  timers: { qr?: NodeJS.Timeout; scan?: NodeJS.Timeout };
  /** Webhooks of one instance go out one after another, in order. */
  queue: Promise<unknown>;
  disconnectionReasonCode: number | null;
  disconnectionAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
  remoteJidAlt?: string;
  participantAlt?: string;
  addressingMode?: 'lid' | 'pn';
}

/** What Evolution's prepareMessage() makes of a Baileys message: data of messages.upsert and send.message. */
export interface MessageRaw {
  key: MessageKey;
  pushName: string;
  status: AckStatus;
  message: Record<string, unknown>;
  contextInfo: Record<string, unknown> | null;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: Source;
}

export interface StoredMedia {
  bytes: Buffer;
  mimetype: string;
  fileName?: string;
  caption?: string;
  width?: number;
  height?: number;
}

export interface StoredMessage {
  instance: string;
  direction: 'inbound' | 'outbound';
  /** Evolution's database id (messages.update `messageId`). */
  dbId: string;
  raw: MessageRaw;
  media?: StoredMedia;
  at: string;
}

export interface SentRecord {
  instance: string;
  /** e.g. /message/sendText */
  path: string;
  body: unknown;
  at: string;
  id: string;
  /** The recipient: digits for a phone, the JID for a group or a LID. */
  number: string;
  remoteJid: string;
  /** Sent media as stored (bytes as base64). */
  media?: { mimetype: string; fileName?: string; size: number; base64: string };
}

export interface ReadRecord {
  instance: string;
  remoteJid: string;
  fromMe: boolean;
  id: string;
  at: string;
}

export interface WebhookRecord {
  seq: number;
  event: EventName;
  instance: string;
  url: string;
  /** HTTP status of the last attempt (null: unreachable). */
  status: number | null;
  attempts: number;
  at: string;
  error?: string;
}

export interface ForcedFailure {
  /** Matches a request path starting with this, e.g. "/message/sendText". */
  path: string;
  instance?: string;
  status: number;
  body?: unknown;
  remaining: number;
}

export interface Runtime {
  closed: boolean;
  abort: AbortController;
  tasks: Set<Promise<unknown>>;
  sleepers: Set<{ timer: NodeJS.Timeout; wake: () => void }>;
}

export interface FakeEvolutionState {
  config: FakeEvolutionConfig;
  /** The config given at start, restored by reset(). */
  initialConfig: FakeEvolutionConfig;
  /** This server's base URL (webhooks' server_url), set once it listens. */
  serverUrl: string;
  instances: Map<string, Instance>;
  /** By `${instance}:${messageId}`. */
  messages: Map<string, StoredMessage>;
  sent: SentRecord[];
  read: ReadRecord[];
  webhooks: WebhookRecord[];
  failures: ForcedFailure[];
  ownerCounter: number;
  seq: number;
  runtime: Runtime;
}

export const DEFAULT_CONFIG: Omit<FakeEvolutionConfig, 'apiKey'> = {
  autoScanMs: 4000,
  autoStatuses: true,
  statusDelayMs: 300,
  qrRefreshMs: 20_000,
  notOnWhatsApp: ['55119999*'],
  latencyMs: 0,
  webhookRetries: 3,
  webhookTimeoutMs: 10_000,
};

export function createState(config: FakeEvolutionConfig): FakeEvolutionState {
  return {
    config: { ...config, notOnWhatsApp: [...config.notOnWhatsApp] },
    initialConfig: { ...config, notOnWhatsApp: [...config.notOnWhatsApp] },
    serverUrl: '',
    instances: new Map(),
    messages: new Map(),
    sent: [],
    read: [],
    webhooks: [],
    failures: [],
    ownerCounter: 0,
    seq: 0,
    runtime: { closed: false, abort: new AbortController(), tasks: new Set(), sleepers: new Set() },
  };
}

export function stopInstanceTimers(inst: Instance): void {
  clearInterval(inst.timers.qr);
  clearTimeout(inst.timers.scan);
  inst.timers = {};
}

/** Forgets every instance and all traffic, and restores the start config. */
export function resetState(state: FakeEvolutionState): void {
  for (const inst of state.instances.values()) stopInstanceTimers(inst);
  state.instances.clear();
  state.messages.clear();
  for (const list of [state.sent, state.read, state.webhooks, state.failures]) list.length = 0;
  state.config = { ...state.initialConfig, notOnWhatsApp: [...state.initialConfig.notOnWhatsApp] };
  state.ownerCounter = 0;
}

export const messageKey = (instance: string, id: string): string => `${instance}:${id}`;

export function findMessage(state: FakeEvolutionState, instance: string, id: string): StoredMessage | undefined {
  return state.messages.get(messageKey(instance, id));
}

/** The next default owner number: Brazilian mobiles 5511955500001, 5511955500002 … */
export function nextOwner(state: FakeEvolutionState): string {
  state.ownerCounter += 1;
  return `55119555${String(state.ownerCounter).padStart(5, '0')}`;
}

export const ownerJid = (inst: Instance): string => `${inst.owner}@s.whatsapp.net`;

/** Whether a phone number (digits) is on the not-on-WhatsApp list. */
export function isNotOnWhatsApp(state: FakeEvolutionState, digits: string): boolean {
  return state.config.notOnWhatsApp.some((n) => (n.endsWith('*') ? digits.startsWith(n.slice(0, -1).replace(/\D/g, '')) : digits === n.replace(/\D/g, '')));
}

// ---------- background work ----------

/** Runs fn in the background, tracked so settled() can wait for it and close() can stop it. */
export function track<T>(state: FakeEvolutionState, fn: () => Promise<T>): Promise<T | undefined> {
  const task = fn().catch((err: unknown) => {
    if (!state.runtime.closed) console.error('[fake-evolution] background task failed:', err);
    return undefined;
  });
  state.runtime.tasks.add(task);
  void task.finally(() => state.runtime.tasks.delete(task));
  return task;
}

/** A pause that close() cuts short. */
export function sleep(state: FakeEvolutionState, ms: number): Promise<void> {
  if (state.runtime.closed || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const sleeper = {
      timer: setTimeout(() => {
        state.runtime.sleepers.delete(sleeper);
        resolve();
      }, ms),
      wake: () => resolve(),
    };
    state.runtime.sleepers.add(sleeper);
  });
}

/** Resolves once no background work is left (work started meanwhile is waited for too). */
export async function settled(state: FakeEvolutionState): Promise<void> {
  while (state.runtime.tasks.size > 0) await Promise.allSettled([...state.runtime.tasks]);
}

export function stopRuntime(state: FakeEvolutionState): void {
  state.runtime.closed = true;
  for (const inst of state.instances.values()) stopInstanceTimers(inst);
  state.runtime.abort.abort();
  for (const s of state.runtime.sleepers) {
    clearTimeout(s.timer);
    s.wake();
  }
  state.runtime.sleepers.clear();
}
