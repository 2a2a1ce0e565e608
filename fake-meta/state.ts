// Everything the fake knows, in memory: registered numbers and templates, media, the 24 h customer-service windows,
// what Conversa sent and what customers sent, recorded requests, webhook deliveries, and test switches (forced
// failures, throttling, unreachable customers). One object so tests can read it directly.
import type { SendMessageRequest } from './send-schema';
import type { InboundMessage, StatusName } from './webhooks';

export type ErrorDelivery = 'sync' | 'async';

export interface FakeMetaConfig {
  webhookUrl: string;
  appSecret: string;
  graphVersion: string;
  /** Post sent → delivered → read after each accepted send. */
  autoStatuses: boolean;
  /** Pause before each automatic status callback. */
  statusDelayMs: number;
  /** Extra attempts when the receiver is unreachable or answers 5xx/429 (Meta retries too). */
  webhookRetries: number;
  webhookTimeoutMs: number;
  /** Serialise webhooks with Meta's escaped unicode (and sign those bytes). */
  metaEscaping: boolean;
  /**
   * How an error is reported: synchronously as the Graph response, or as 200 + a `failed` status webhook. Keyed by
   * code; codes absent here are synchronous. Meta reports 131047 and 131026 asynchronously on the Cloud API.
   */
  errorDelivery: Record<string, ErrorDelivery>;
  /** Media download URLs expire, as Meta's do (5 minutes). */
  mediaUrlTtlMs: number;
}

export const DEFAULT_ERROR_DELIVERY: Record<string, ErrorDelivery> = { 131047: 'async', 131026: 'async' };

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface PhoneNumber {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  accessToken: string;
  verifiedName: string;
}

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  components: Record<string, unknown>[];
  parameter_format?: 'POSITIONAL' | 'NAMED';
}

export interface StoredMedia {
  id: string;
  /** The business number the media belongs to (uploaded through it, or received on it). */
  phoneNumberId: string;
  mimeType: string;
  bytes: Buffer;
  sha256Hex: string;
  filename?: string;
  createdAt: number;
}

/** One issued download URL: its secret and when it stops working. */
export interface MediaGrant {
  token: string;
  mediaId: string;
  expiresAt: number;
}

export interface RecordedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  contentType?: string;
  body: unknown;
  status?: number;
  response?: unknown;
}

export type OutboundStatus = 'accepted' | StatusName;

export interface OutboundMessage {
  direction: 'outbound';
  id: string;
  phoneNumberId: string;
  to: string;
  waId: string;
  type: SendMessageRequest['type'];
  request: SendMessageRequest;
  at: number;
  status: OutboundStatus;
  statusHistory: { status: StatusName; at: number }[];
  error?: { code: number; title: string; details: string };
}

export interface InboundRecord {
  direction: 'inbound';
  id: string;
  phoneNumberId: string;
  from: string;
  name: string;
  type: InboundMessage['type'];
  message: InboundMessage;
  at: number;
  /** HTTP status Conversa's webhook answered (null: unreachable). */
  webhookStatus: number | null;
  /** Conversa called mark-as-read on it. */
  readByBusiness: boolean;
}

export interface ForcedFailure {
  code: number;
  phoneNumberId?: string;
  to?: string;
  delivery?: ErrorDelivery;
  details?: string;
  remaining: number;
}

export interface WebhookDelivery {
  seq: number;
  at: string;
  kind: 'message' | 'status';
  /** wamid of the inbound message or of the outbound message the status is about. */
  ref: string;
  detail: string;
  url: string;
  status: number | null;
  attempts: number;
  error?: string;
}

export interface FakeMetaState {
  config: FakeMetaConfig;
  now: () => number;
  numbers: Map<string, PhoneNumber>;
  templates: Template[];
  media: Map<string, StoredMedia>;
  mediaGrants: Map<string, MediaGrant>;
  /** Last inbound message time per `${phoneNumberId}:${waId}`. */
  windows: Map<string, number>;
  /** Open conversation (for status `conversation` objects) per `${phoneNumberId}:${waId}`. */
  conversations: Map<string, { id: string; expiresAt: number; origin: string }>;
  /** Customers that are not WhatsApp users (131026). */
  unreachable: Set<string>;
  /** Throttle code (130429 / 131056) per phoneNumberId, or '*' for all. */
  throttles: Map<string, number>;
  failures: ForcedFailure[];
  /** Sends that Meta accepts (the customer gets them) but answers only after `delayMs`: a late or lost answer. */
  slowSends: { to?: string; delayMs: number; remaining: number }[];
  requests: RecordedRequest[];
  outbound: OutboundMessage[];
  inbound: InboundRecord[];
  webhooks: WebhookDelivery[];
  /** Background work (status callbacks) so tests can wait for it and close() can stop it. */
  runtime: Runtime;
  seq: number;
  idBase: number;
  idCounter: number;
}

export interface Runtime {
  closed: boolean;
  abort: AbortController;
  tasks: Set<Promise<unknown>>;
  sleepers: Set<{ timer: NodeJS.Timeout; wake: () => void }>;
}

export type ConfigInput = Pick<FakeMetaConfig, 'webhookUrl' | 'appSecret'> & Partial<FakeMetaConfig>;

export function createState(config: ConfigInput, now: () => number = Date.now): FakeMetaState {
  return {
    config: {
      graphVersion: 'v21.0',
      autoStatuses: true,
      statusDelayMs: 150,
      webhookRetries: 2,
      webhookTimeoutMs: 10_000,
      metaEscaping: true,
      mediaUrlTtlMs: 5 * 60 * 1000,
      ...config,
      errorDelivery: { ...DEFAULT_ERROR_DELIVERY, ...config.errorDelivery },
    },
    now,
    numbers: new Map(),
    templates: [],
    media: new Map(),
    mediaGrants: new Map(),
    windows: new Map(),
    conversations: new Map(),
    unreachable: new Set(),
    throttles: new Map(),
    failures: [],
    slowSends: [],
    requests: [],
    outbound: [],
    inbound: [],
    webhooks: [],
    runtime: { closed: false, abort: new AbortController(), tasks: new Set(), sleepers: new Set() },
    seq: 0,
    idBase: 10 ** 15 + Math.floor(Math.random() * 8e15),
    idCounter: 0,
  };
}

/** Clears traffic and switches; keeps numbers, templates and config unless `all`. */
export function resetState(state: FakeMetaState, all = false): void {
  if (all) {
    state.numbers.clear();
    state.templates.length = 0;
  }
  for (const m of [state.media, state.mediaGrants, state.windows, state.conversations, state.throttles]) m.clear();
  state.unreachable.clear();
  state.slowSends.length = 0;
  for (const list of [state.failures, state.requests, state.outbound, state.inbound, state.webhooks]) list.length = 0;
}

export const nextSeq = (state: FakeMetaState): number => ++state.seq;

/** Graph object ids are 16-digit numeric strings: a random per-process base plus a counter, so unique here. */
export function newNumericId(state: FakeMetaState): string {
  state.idCounter += 1;
  return String(state.idBase + state.idCounter);
}

export const windowKey = (phoneNumberId: string, waId: string): string => `${phoneNumberId}:${waId}`;

export function windowInfo(state: FakeMetaState, phoneNumberId: string, waId: string) {
  const last = state.windows.get(windowKey(phoneNumberId, waId));
  const open = last !== undefined && state.now() - last < WINDOW_MS;
  return {
    open,
    lastInboundAt: last === undefined ? null : new Date(last).toISOString(),
    expiresAt: last === undefined ? null : new Date(last + WINDOW_MS).toISOString(),
  };
}

/** Finds the number a token may act for. Tokens are per number, but one token may serve a whole WABA. */
export function tokenKnown(state: FakeMetaState, token: string | undefined): boolean {
  if (!token) return false;
  for (const n of state.numbers.values()) if (n.accessToken === token) return true;
  return false;
}

export function tokenCanUseNumber(state: FakeMetaState, token: string, phoneNumberId: string): PhoneNumber | undefined {
  const number = state.numbers.get(phoneNumberId);
  if (!number) return undefined;
  return tokenCanUseWaba(state, token, number.wabaId) ? number : undefined;
}

export function tokenCanUseWaba(state: FakeMetaState, token: string, wabaId: string): boolean {
  for (const n of state.numbers.values()) if (n.wabaId === wabaId && n.accessToken === token) return true;
  return false;
}

// ---------- background work ----------

/** Runs fn in the background, tracked so settled() can wait for it and close() can stop it. */
export function track(state: FakeMetaState, fn: () => Promise<unknown>): void {
  const task = fn().catch((err: unknown) => {
    if (!state.runtime.closed) console.error('[fake-meta] background task failed:', err);
  });
  state.runtime.tasks.add(task);
  void task.finally(() => state.runtime.tasks.delete(task));
}

/** A pause that close() cuts short. */
export function sleep(state: FakeMetaState, ms: number): Promise<void> {
  if (state.runtime.closed) return Promise.resolve();
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

/** Resolves once no background work is left (new work started meanwhile is waited for too). */
export async function settled(state: FakeMetaState): Promise<void> {
  while (state.runtime.tasks.size > 0) await Promise.allSettled([...state.runtime.tasks]);
}

export function stopRuntime(state: FakeMetaState): void {
  state.runtime.closed = true;
  state.runtime.abort.abort();
  for (const s of state.runtime.sleepers) {
    clearTimeout(s.timer);
    s.wake();
  }
  state.runtime.sleepers.clear();
}
