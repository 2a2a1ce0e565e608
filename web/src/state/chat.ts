// One open conversation: its details, its messages (oldest first in memory), older pages, optimistic sends keyed
// by clientId, status updates, typing and read marks — over the conversation's socket, or by polling without one.
import { computed, effect, signal } from '@preact/signals';
import { api, ApiError, del, get, patch as patchApi, post, put } from '../api/client';
import type { ConversationDetail, ConversationRow, LabelRef, Message, MessageStatus, Page, RealtimeEvent, SendMessageBody } from '../api/types';
import { errorText } from '../i18n';
import { uuid } from '../lib/ids';
import { now as nowMs } from './clock';
import { labelChange, relabel } from './catalog';
import { onRowChange, patchRow, rows, upsertRow } from './inbox';
import { asSeenByMe, LiveSocket, onInboxEvent, socketsDown, trackSocket, transport, type SocketState } from './realtime';
import { role, session } from './session';
// The server's own preview rule (a pure module shared with the worker): a voice note shows as "🎤 Áudio", not empty.
import { previewText } from '../../../worker/domain/preview';

export type Outgoing =
  | { type: 'text'; text: string; replyToMessageId?: string }
  | { type: 'note'; text: string }
  | { type: 'template'; template: { name: string; language: string; components?: Record<string, unknown>[] }; preview: string };

/** A file the agent attached, until it is uploaded (then `request` carries its key). */
export interface PendingUpload {
  file: File;
  kind: 'image' | 'video' | 'audio' | 'document';
  caption?: string;
  replyToMessageId?: string;
  /** Recorded in the browser: sent as a WhatsApp voice note. */
  voice?: boolean;
}

/** A message as the chat holds it: the API's, plus the local state of an optimistic send. */
export type ChatMessage = Message & {
  local?: { state: 'sending' | 'failed'; error?: string; request?: SendMessageBody; upload?: PendingUpload; preview?: string };
};

export const UPLOAD_MAX_BYTES = 16 * 1024 * 1024;

export function mediaKindOf(mime: string): PendingUpload['kind'] {
  if (/^image\/(jpeg|png|webp)$/.test(mime)) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

const WINDOW_MS = 24 * 60 * 60 * 1000;
const FAST_POLL_MS = 2_500;
const SLOW_POLL_MS = 15_000;
const ACTIVE_MS = 2 * 60_000;
const TYPING_TTL_MS = 8_000;

const RANK: Record<MessageStatus, number> = { received: 0, queued: 0, sent: 1, failed: 1, delivered: 2, read: 3 };

/** A message's time as the chat shows and orders it (the server's `at`: WhatsApp's timestamp of an inbound message). */
export const messageAt = (m: Pick<Message, 'at' | 'createdAt'>): string => m.at ?? m.createdAt;

const byTime = (a: ChatMessage, b: ChatMessage) => {
  const [x, y] = [messageAt(a), messageAt(b)];
  return x === y ? (a.id < b.id ? -1 : 1) : x < y ? -1 : 1;
};

/** Whether `incoming` should replace `current` (same message): newer wins, and a status never moves back. */
function supersedes(incoming: Message, current: ChatMessage): boolean {
  if (current.local) return true;
  if (incoming.updatedAt < current.updatedAt) return false;
  return !(RANK[incoming.status] < RANK[current.status] && incoming.direction === 'outbound' && current.status !== 'failed');
}

let readEndpoint: 'unknown' | 'yes' | 'no' = 'unknown';

export class ChatStore {
  readonly conversation = signal<ConversationDetail | null>(null);
  readonly messages = signal<ChatMessage[]>([]);
  readonly olderCursor = signal<string | null>(null);
  readonly loadingOlder = signal(false);
  readonly status = signal<'loading' | 'ready' | 'forbidden' | 'notfound' | 'erased' | 'error'>('loading');
  readonly error = signal<unknown>(null);
  readonly actionError = signal<string | null>(null);
  /** userId → until when they count as typing. */
  readonly typing = signal<Record<string, number>>({});
  readonly socketState = signal<SocketState>('idle');
  /** Bumped when the room says the scheduled messages changed (or after a resync): their list reloads. */
  readonly scheduledVersion = signal(0);

  /** Whether the 24-hour rule applies to this conversation's number (not on Evolution / WhatsApp Web). */
  readonly windowApplies = computed(() => this.conversation.value?.channel?.window24h !== false);

  readonly windowOpen = computed(() => {
    const c = this.conversation.value;
    if (c && !this.windowApplies.value) return true;
    if (!c?.lastInboundAt) return false;
    return new Date(c.lastInboundAt).getTime() + WINDOW_MS > nowMs.value;
  });

  private socket: LiveSocket | null = null;
  private cleanups: (() => void)[] = [];
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSlowPoll = 0;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;
  private typingOffTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(readonly id: string) {}

  async init() {
    try {
      const [{ conversation }, page] = await Promise.all([
        get<{ conversation: ConversationDetail }>(`/api/v1/conversations/${this.id}`),
        get<Page<Message>>(`/api/v1/conversations/${this.id}/messages`),
      ]);
      if (this.disposed) return;
      this.conversation.value = conversation;
      this.messages.value = [...page.data].sort(byTime);
      this.olderCursor.value = page.nextCursor;
      this.status.value = 'ready';
    } catch (err) {
      if (this.disposed) return;
      this.error.value = err;
      this.status.value = err instanceof ApiError && err.status === 403 ? 'forbidden' : err instanceof ApiError && err.status === 404 ? 'notfound' : 'error';
      return;
    }
    if ((this.conversation.value?.unreadCount ?? 0) > 0) this.markRead();

    this.cleanups.push(
      onRowChange((row) => {
        if (row.id !== this.id) return;
        const before = this.conversation.value;
        this.applyRow(row);
        // Without a socket, a changed list entry is the hint that new messages exist.
        if (socketsDown(this.socketState.value) && before && (before.lastMessageAt !== row.lastMessageAt || before.unreadCount < row.unreadCount)) {
          void this.refreshLatest();
        }
        if (row.unreadCount > 0) this.markRead();
      }),
      effect(() => {
        if (transport.value === 'ws') this.openSocket();
      }),
      // Renamed or deleted labels come on the inbox socket (one event for the organisation), not the room's.
      onInboxEvent((e) => {
        const change = labelChange(e);
        const c = this.conversation.value;
        if (!change || !c?.labels) return;
        const labels = relabel(c.labels, change);
        if (labels !== c.labels) this.conversation.value = { ...c, labels };
      }),
    );
    const onVisible = () => {
      if (document.hidden) return;
      if ((this.conversation.value?.unreadCount ?? 0) > 0) this.markRead();
      this.schedulePoll(0);
    };
    document.addEventListener('visibilitychange', onVisible);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));
    this.schedulePoll();
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.readTimer);
    clearTimeout(this.typingOffTimer);
    if (this.typingSentAt) this.socket?.send({ type: 'typing', data: { state: 'off' } });
    this.socket?.stop();
    this.cleanups.forEach((fn) => fn());
  }

  // ---- socket ----

  private openSocket() {
    if (this.disposed || this.status.peek() !== 'ready') return;
    if (this.socket) {
      // Stopped when real time went away for a while: the same socket resumes from its last seq.
      this.socket.start();
      return;
    }
    const socket = new LiveSocket(`/api/v1/conversations/${this.id}/ws`, {
      onEvent: (e) => this.onEvent(e),
      onSync: () => void this.refreshLatest(),
      onState: (s) => {
        this.socketState.value = s;
      },
      // Reassigned (or a role change): ask the API whether this chat is still ours before reconnecting, so an agent
      // who lost it sees "no longer available" instead of a socket retrying forever.
      onAccessChanged: () => void this.recheckAccess(),
      onErased: () => this.erased(),
    });
    this.socket = socket;
    this.cleanups.push(trackSocket(socket), () => {
      this.socket = null;
    });
    socket.start();
  }

  private onEvent(e: RealtimeEvent) {
    switch (e.type) {
      case 'message.created':
      case 'message.updated': {
        const m = e.data as Message;
        if (m.conversationId && m.conversationId !== this.id) return;
        this.merge([m]);
        if (e.type === 'message.created' && m.direction === 'inbound') {
          this.clearTyping();
          this.markRead();
          // A satisfaction survey answer (rating or comment): the contact panel shows it.
          if ((m.payload as { csat?: string } | null)?.csat) void this.refreshConversation();
        }
        break;
      }
      case 'conversation.updated': {
        const row = asSeenByMe(e.data as ConversationRow);
        this.applyRow(row);
        upsertRow(row);
        break;
      }
      case 'scheduled.updated':
        this.scheduledVersion.value++;
        break;
      case 'conversation.erased':
        this.erased();
        break;
      case 'typing': {
        const { userId, state } = e.data as { userId: string; state: 'on' | 'off' };
        if (userId === session.value?.user.id) return;
        const next = { ...this.typing.value };
        if (state === 'on') next[userId] = Date.now() + TYPING_TTL_MS;
        else delete next[userId];
        this.typing.value = next;
        if (state === 'on') setTimeout(() => this.expireTyping(), TYPING_TTL_MS + 100);
        break;
      }
      case 'read': {
        // Read for the one who read it only; a colleague's read leaves this member's count as it is.
        if ((e.data as { userId?: string }).userId !== session.value?.user.id) break;
        const c = this.conversation.value;
        if (c) this.conversation.value = { ...c, unreadCount: 0 };
        patchRow(this.id, { unreadCount: 0 });
        break;
      }
      default:
        break;
    }
  }

  private expireTyping() {
    const now = Date.now();
    const live = Object.fromEntries(Object.entries(this.typing.value).filter(([, until]) => until > now));
    if (Object.keys(live).length !== Object.keys(this.typing.value).length) this.typing.value = live;
  }

  private clearTyping() {
    if (Object.keys(this.typing.value).length) this.typing.value = {};
  }

  // ---- polling ----

  private schedulePoll(ms?: number) {
    clearTimeout(this.pollTimer);
    if (this.disposed) return;
    this.pollTimer = setTimeout(() => void this.pollOnce(), ms ?? (this.busy() ? FAST_POLL_MS : 3_000));
  }

  /** Something is about to change: a recent send waiting for its ticks, or media still downloading. */
  private busy(): boolean {
    const since = Date.now() - ACTIVE_MS;
    return this.messages.value.some(
      (m) =>
        new Date(m.createdAt).getTime() > since &&
        ((m.direction === 'outbound' && !m.isPrivate && (m.status === 'queued' || m.status === 'sent' || m.status === 'delivered')) ||
          m.media?.status === 'pending'),
    );
  }

  private async pollOnce() {
    // Gone (reassigned away, deleted): nothing left to poll.
    if (this.disposed || this.status.peek() !== 'ready') return;
    if (socketsDown(this.socketState.value) && !document.hidden) {
      const slowDue = Date.now() - this.lastSlowPoll >= SLOW_POLL_MS;
      try {
        if (this.busy() || slowDue) await this.refreshLatest();
        if (slowDue) {
          this.lastSlowPoll = Date.now();
          await this.refreshConversation();
        }
      } catch {
        // Shown by the connection badge; try again next tick.
      }
    }
    this.schedulePoll();
  }

  // ---- loading ----

  async refreshLatest() {
    const page = await get<Page<Message>>(`/api/v1/conversations/${this.id}/messages`);
    if (this.disposed) return;
    this.merge(page.data);
    // Without a live room (polling, or after a resync) a scheduled message may have been sent or changed meanwhile.
    this.scheduledVersion.value++;
    if (this.olderCursor.value === null && this.messages.value.length <= page.data.length) this.olderCursor.value = page.nextCursor;
  }

  async refreshConversation() {
    try {
      const { conversation } = await get<{ conversation: ConversationDetail }>(`/api/v1/conversations/${this.id}`);
      if (!this.disposed) this.conversation.value = conversation;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        this.status.value = err.status === 403 ? 'forbidden' : 'notfound';
        this.socket?.stop();
      }
    }
  }

  /** Erased for good (LGPD): the chat says so and keeps nothing of it on screen or in memory. */
  private erased() {
    this.socket?.stop();
    this.messages.value = [];
    this.conversation.value = null;
    this.status.value = 'erased';
  }

  private async recheckAccess() {
    await this.refreshConversation();
    if (this.disposed || this.status.peek() !== 'ready') return;
    // Still readable (a manager, or the role change kept access): resume from the last seq.
    if (transport.peek() === 'ws') this.socket?.start();
  }

  async loadOlder(): Promise<boolean> {
    const cursor = this.olderCursor.value;
    if (!cursor || this.loadingOlder.value) return false;
    this.loadingOlder.value = true;
    try {
      const page = await get<Page<Message>>(`/api/v1/conversations/${this.id}/messages`, { cursor });
      if (this.disposed) return false;
      this.merge(page.data);
      this.olderCursor.value = page.nextCursor;
      return true;
    } catch (err) {
      this.actionError.value = errorText(err);
      return false;
    } finally {
      this.loadingOlder.value = false;
    }
  }

  merge(incoming: Message[]) {
    if (incoming.length === 0) return;
    const list = [...this.messages.value];
    const index = new Map(list.map((m, i) => [m.id, i]));
    let appended = false;
    for (const m of incoming) {
      let i = index.get(m.id);
      if (i === undefined && m.clientId) {
        const j = list.findIndex((x) => x.clientId === m.clientId);
        if (j >= 0) i = j;
      }
      if (i === undefined) {
        list.push(m);
        index.set(m.id, list.length - 1);
        appended = true;
      } else if (supersedes(m, list[i]!)) {
        const preview = list[i]!.local?.preview;
        if (preview) setTimeout(() => URL.revokeObjectURL(preview), 10_000);
        list[i] = m;
        index.set(m.id, i);
      }
    }
    if (appended || incoming.some((m) => m.clientId)) list.sort(byTime);
    this.messages.value = list;
  }

  private applyRow(row: ConversationRow) {
    const c = this.conversation.value;
    if (!c || c.updatedAt > row.updatedAt) return;
    // Given to another agent while open: an agent may no longer see it.
    if (role.value === 'agent' && row.assigneeId !== null && row.assigneeId !== session.value?.user.id) {
      this.status.value = 'forbidden';
      this.socket?.stop();
      return;
    }
    const expiresAt = row.lastInboundAt ? new Date(new Date(row.lastInboundAt).getTime() + WINDOW_MS).toISOString() : null;
    this.conversation.value = { ...c, ...row, window: { ...c.window, open: expiresAt !== null && expiresAt > new Date().toISOString(), expiresAt } };
  }

  // ---- actions ----

  /** An outbound message shown before the server has it (the clientId ties the server's copy back to it). */
  private localMessage(clientId: string, fields: Pick<ChatMessage, 'kind' | 'body' | 'replyToMessageId' | 'local'> & Partial<ChatMessage>): ChatMessage {
    const now = new Date().toISOString();
    return {
      id: `local-${clientId}`,
      conversationId: this.id,
      direction: 'outbound',
      isPrivate: false,
      payload: {},
      media: null,
      providerMessageId: null,
      replyToProviderId: null,
      status: 'queued',
      error: null,
      senderUserId: session.value?.user.id ?? null,
      clientId,
      reactions: [],
      providerTimestamp: null,
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      failedAt: null,
      at: now,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      importantAt: null,
      importantBy: null,
      ...fields,
    };
  }

  async send(out: Outgoing): Promise<void> {
    const clientId = uuid();
    const request: SendMessageBody =
      out.type === 'template'
        ? { type: 'template', template: out.template, clientId }
        : out.type === 'note'
          ? { type: 'note', text: out.text, clientId }
          : { type: 'text', text: out.text, clientId, ...(out.replyToMessageId ? { replyToMessageId: out.replyToMessageId } : {}) };
    const optimistic = this.localMessage(clientId, {
      kind: out.type === 'template' ? 'template' : 'text',
      isPrivate: out.type === 'note',
      body: out.type === 'template' ? out.preview : out.text,
      payload: out.type === 'template' ? { template: out.template } : {},
      replyToMessageId: out.type === 'text' ? (out.replyToMessageId ?? null) : null,
      status: out.type === 'note' ? 'sent' : 'queued',
      local: { state: 'sending', request },
    });
    this.merge([optimistic]);
    this.sendTyping('off');
    await this.deliver(optimistic);
  }

  /** An attachment: shown at once (images from the local file), uploaded, then sent by its key. */
  async sendFile(file: File, caption?: string, replyToMessageId?: string, voice = false): Promise<void> {
    const clientId = uuid();
    const kind = mediaKindOf(file.type);
    const upload: PendingUpload = { file, kind, ...(caption ? { caption } : {}), ...(replyToMessageId ? { replyToMessageId } : {}), ...(voice ? { voice } : {}) };
    const optimistic = this.localMessage(clientId, {
      kind,
      body: caption ?? null,
      media: { status: 'pending', mimeType: file.type, size: file.size, filename: file.name, url: null },
      replyToMessageId: replyToMessageId ?? null,
      local: { state: 'sending', upload, ...(kind === 'image' ? { preview: URL.createObjectURL(file) } : {}) },
    });
    this.merge([optimistic]);
    await this.deliver(optimistic);
  }

  retry(message: ChatMessage) {
    if (!message.local) return;
    const current = this.messages.value.find((m) => m.clientId === message.clientId && m.local) ?? message;
    this.replaceLocal(message.clientId, { ...current.local!, state: 'sending', error: undefined });
    void this.deliver(current);
  }

  private replaceLocal(clientId: string | null, local: ChatMessage['local']) {
    this.messages.value = this.messages.value.map((m) => (m.clientId === clientId && m.local ? { ...m, local } : m));
  }

  private async deliver(message: ChatMessage) {
    const local = message.local!;
    let request = local.request;
    try {
      if (!request && local.upload) {
        const { file, kind, caption, replyToMessageId, voice } = local.upload;
        if (file.size > UPLOAD_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Files up to 16 MB');
        const up = await api<{ key: string; filename: string }>('POST', `/api/v1/conversations/${this.id}/media`, { body: file, query: { filename: file.name } });
        request = {
          type: kind,
          media: { key: up.key, filename: up.filename },
          ...(caption ? { caption } : {}),
          ...(replyToMessageId ? { replyToMessageId } : {}),
          ...(voice && kind === 'audio' ? { voice } : {}),
          clientId: message.clientId!,
        };
        // Uploaded: a retry sends again without uploading twice.
        this.replaceLocal(message.clientId, { ...local, request });
      }
      if (!request) return;
      const r = await post<{ message: Message }>(`/api/v1/conversations/${this.id}/messages`, request);
      if (this.disposed) return;
      this.merge([r.message]);
      // A private note is not part of the customer conversation: the row keeps the last message the customer saw.
      if (!r.message.isPrivate) {
        patchRow(this.id, {
          lastMessagePreview: previewText(r.message.kind, r.message.body),
          lastMessageAt: messageAt(r.message),
          waitingSince: null,
          unreadCount: 0,
        });
      }
      this.schedulePoll();
    } catch (err) {
      if (this.disposed) return;
      const latest = this.messages.value.find((m) => m.clientId === message.clientId && m.local)?.local ?? local;
      this.replaceLocal(message.clientId, { ...latest, state: 'failed', error: errorText(err) });
      if (err instanceof ApiError && err.code === 'window_closed') {
        // The server's clock says the window closed: trust it and switch the composer to templates.
        const c = this.conversation.value;
        if (c) this.conversation.value = { ...c, lastInboundAt: new Date(Date.now() - WINDOW_MS - 1000).toISOString(), window: { ...c.window, open: false } };
      }
    }
  }

  /** PATCH the conversation (assign, resolve, snooze, reopen); the list follows. */
  async update(body: { status?: ConversationDetail['status']; assigneeId?: string | null; departmentId?: string | null; snoozedUntil?: string | null }): Promise<boolean> {
    this.actionError.value = null;
    try {
      const r = await patchApi<{ conversation: Partial<ConversationDetail> & { updatedAt: string; botState?: unknown } }>(`/api/v1/conversations/${this.id}`, body);
      const c = this.conversation.value;
      if (!c) return true;
      const fields = {
        status: r.conversation.status ?? c.status,
        assigneeId: r.conversation.assigneeId === undefined ? c.assigneeId : r.conversation.assigneeId,
        departmentId: r.conversation.departmentId === undefined ? c.departmentId : r.conversation.departmentId,
        botActive: r.conversation.botState === undefined ? c.botActive : r.conversation.botState !== null,
        snoozedUntil: r.conversation.snoozedUntil === undefined ? c.snoozedUntil : r.conversation.snoozedUntil,
        unreadCount: r.conversation.unreadCount ?? c.unreadCount,
        updatedAt: r.conversation.updatedAt,
      };
      this.conversation.value = { ...c, ...fields };
      const { snoozedUntil: _s, ...rowFields } = fields;
      patchRow(this.id, rowFields);
      if (!rowsHave(this.id)) upsertRow({ ...stripDetail(this.conversation.value) });
      return true;
    } catch (err) {
      this.actionError.value = errorText(err);
      return false;
    }
  }

  /** Unread → 0 for this reader (REST; the room tells the others), once the person can actually see the chat. */
  markRead() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      if (this.disposed || document.hidden || this.status.value !== 'ready') return;
      const c = this.conversation.value;
      if (c) this.conversation.value = { ...c, unreadCount: 0 };
      patchRow(this.id, { unreadCount: 0 });
      if (readEndpoint === 'no') return;
      post(`/api/v1/conversations/${this.id}/read`, {}).then(
        () => {
          readEndpoint = 'yes';
        },
        (err: unknown) => {
          // Not built yet on this server: stop asking.
          if (err instanceof ApiError && (err.status === 404 || err.status === 405) && readEndpoint === 'unknown') readEndpoint = 'no';
        },
      );
    }, 600);
  }

  /** Adds or removes a label on the conversation: shown at once, put back if the server says no. */
  async toggleLabel(label: LabelRef, apply: boolean): Promise<void> {
    const c = this.conversation.value;
    if (!c) return;
    this.actionError.value = null;
    const before = c.labels ?? [];
    const optimistic = apply ? [...before.filter((l) => l.id !== label.id), label].sort((a, b) => a.name.localeCompare(b.name)) : before.filter((l) => l.id !== label.id);
    this.setLabels(optimistic);
    try {
      if (apply) this.setLabels((await post<Page<LabelRef>>(`/api/v1/conversations/${this.id}/labels`, { labelIds: [label.id] })).data);
      else await del(`/api/v1/conversations/${this.id}/labels/${label.id}`);
    } catch (err) {
      this.setLabels(before);
      this.actionError.value = errorText(err);
    }
  }

  private setLabels(labels: LabelRef[]) {
    const c = this.conversation.value;
    if (!c || this.disposed) return;
    this.conversation.value = { ...c, labels };
    patchRow(this.id, { labels });
  }

  /**
   * The business's reaction to a message: `emoji`, or none when it is the one already there (choosing it again
   * removes it). Shown at once; the server's answer, then `message.updated`, have the final word.
   */
  async react(messageId: string, emoji: string): Promise<void> {
    const m = this.messages.value.find((x) => x.id === messageId);
    if (!m) return;
    this.actionError.value = null;
    // The business's reaction is the one no contact made (Meta keeps one per side).
    const mine = m.reactions.find((r) => r.contactId === null);
    const next = mine?.emoji === emoji ? '' : emoji;
    const others = m.reactions.filter((r) => r.contactId !== null);
    const me = session.value?.user.id ?? null;
    this.replaceReactions(messageId, next ? [...others, { emoji: next, contactId: null, userId: me }] : others);
    try {
      const r = await post<{ message: Message } | Message>(`/api/v1/conversations/${this.id}/messages/${messageId}/reactions`, { emoji: next });
      if (this.disposed) return;
      const updated = 'message' in r ? r.message : r;
      if (updated?.id === messageId) this.merge([updated]);
    } catch (err) {
      if (this.disposed) return;
      this.replaceReactions(messageId, m.reactions);
      this.actionError.value = errorText(err);
    }
  }

  /** Marks or unmarks a message as important (retention keeps its conversation while it has one). */
  async markImportant(messageId: string, important: boolean): Promise<void> {
    this.actionError.value = null;
    try {
      const r = await put<{ message: Message }>(`/api/v1/conversations/${this.id}/messages/${messageId}/important`, { important });
      if (!this.disposed) this.merge([r.message]);
    } catch (err) {
      if (!this.disposed) this.actionError.value = errorText(err);
    }
  }

  private replaceReactions(messageId: string, reactions: Message['reactions']) {
    this.messages.value = this.messages.value.map((x) => (x.id === messageId ? { ...x, reactions } : x));
  }

  /** Tells the others in the room that this agent is typing (throttled), or stopped. */
  sendTyping(state: 'on' | 'off') {
    if (!this.socket) return;
    clearTimeout(this.typingOffTimer);
    if (state === 'on') {
      if (Date.now() - this.typingSentAt > 3_000) {
        if (this.socket.send({ type: 'typing', data: { state: 'on' } })) this.typingSentAt = Date.now();
      }
      this.typingOffTimer = setTimeout(() => this.sendTyping('off'), 5_000);
    } else if (this.typingSentAt) {
      this.socket.send({ type: 'typing', data: { state: 'off' } });
      this.typingSentAt = 0;
    }
  }
}

function rowsHave(id: string): boolean {
  return rows.value.some((r) => r.id === id);
}

function stripDetail(c: ConversationDetail): ConversationRow {
  const { window: _w, snoozedUntil: _s, ...row } = c;
  return row;
}

export const currentChat = signal<ChatStore | null>(null);

export function openChat(id: string | null) {
  const cur = currentChat.value;
  if (cur?.id === id) return;
  cur?.dispose();
  if (!id) {
    currentChat.value = null;
    return;
  }
  const store = new ChatStore(id);
  currentChat.value = store;
  void store.init();
}
