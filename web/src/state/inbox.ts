// The conversation list: filters, pages, live updates (socket events or polling), and a change feed the open
// chat listens to when it has no socket of its own.
import { signal } from '@preact/signals';
import { ApiError, get } from '../api/client';
import type { ConversationRow, ConversationStatus, Page } from '../api/types';
import { labelChange, relabel, type LabelChange } from './catalog';
import { inboxSocketState, onInboxEvent, onInboxSync, pollTrouble, socketsDown } from './realtime';
import { role, userId } from './session';

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';
export type StatusFilter = ConversationStatus | 'any';
/** The list's order (`sort=` on the API): last message first, waiting longest first, newest created first. */
export type SortOrder = 'last_message' | 'waiting' | 'created';
export const SORT_ORDERS: SortOrder[] = ['last_message', 'waiting', 'created'];
const SORT_KEY = 'conversa.inboxSort';

function storedSort(): SortOrder {
  try {
    const v = localStorage.getItem(SORT_KEY);
    return SORT_ORDERS.includes(v as SortOrder) ? (v as SortOrder) : 'last_message';
  } catch {
    return 'last_message';
  }
}

const POLL_MS = 5_000;

export const assigneeFilter = signal<AssigneeFilter>('all');
export const statusFilter = signal<StatusFilter>('open');
/** A label id: only conversations with that label (`label=` on the API). */
export const labelFilter = signal<string | null>(null);
/** A department's queue, "none" for the general queue, null for all. */
export const departmentFilter = signal<string | null>(null);
/** Remembered in localStorage, per browser. */
export const sortOrder = signal<SortOrder>(storedSort());
export const rows = signal<ConversationRow[]>([]);
export const nextCursor = signal<string | null>(null);
export const listStatus = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
export const listError = signal<unknown>(null);
export const loadingMore = signal(false);
/** The conversation shown in the chat pane (its unread badge is not shown while it is open). */
export const openId = signal<string | null>(null);

type RowListener = (row: ConversationRow) => void;
const rowListeners = new Set<RowListener>();
/** Called whenever a conversation's list entry changes (new message, status, assignee …). */
export function onRowChange(fn: RowListener): () => void {
  rowListeners.add(fn);
  return () => rowListeners.delete(fn);
}

let generation = 0;
let pagesLoaded = 0;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let pollBackoffUntil = 0;
let started = false;
let unsubscribe: (() => void)[] = [];

function query(cursor?: string) {
  const a = assigneeFilter.value;
  return {
    assignee: a === 'mine' ? 'me' : a === 'unassigned' ? 'unassigned' : undefined,
    status: statusFilter.value === 'any' ? undefined : statusFilter.value,
    label: labelFilter.value ?? undefined,
    department: departmentFilter.value ?? undefined,
    sort: sortOrder.value,
    cursor,
  };
}

/** Whether a row belongs in the list under the current filters (and the viewer's role). */
export function matchesFilters(row: ConversationRow): boolean {
  const me = userId.value;
  if (role.value === 'agent' && row.assigneeId !== null && row.assigneeId !== me) return false;
  if (statusFilter.value !== 'any' && row.status !== statusFilter.value) return false;
  if (assigneeFilter.value === 'mine' && row.assigneeId !== me) return false;
  if (assigneeFilter.value === 'unassigned' && row.assigneeId !== null) return false;
  // A row without labels comes from a server that does not send them: it cannot be judged, so it stays.
  if (labelFilter.value && row.labels && !row.labels.some((l) => l.id === labelFilter.value)) return false;
  const dep = departmentFilter.value;
  if (dep && row.departmentId !== undefined && (row.departmentId ?? 'none') !== dep) return false;
  return true;
}

/** "Not waiting" sorts after every waiting conversation, as on the server. */
const NOT_WAITING = '9999-12-31T23:59:59.999Z';

/** The row's key under the current order: the same times the server's keyset compares (ISO strings compare as times). */
function sortKey(row: ConversationRow): string {
  if (sortOrder.value === 'waiting') return row.waitingSince ?? NOT_WAITING;
  if (sortOrder.value === 'created') return row.createdAt ?? row.updatedAt;
  return row.lastMessageAt ?? row.createdAt ?? row.updatedAt;
}

/** The list's order: what the API returns for `sort`, so live updates land where a reload would put them. */
export function inListOrder(a: ConversationRow, b: ConversationRow): number {
  const ascending = sortOrder.value === 'waiting';
  const [x, y] = [sortKey(a), sortKey(b)];
  const c = x === y ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : x < y ? -1 : 1;
  return ascending ? c : -c;
}

function notify(changed: ConversationRow[]) {
  for (const row of changed) rowListeners.forEach((fn) => fn(row));
}

/** First page again (filters changed, or a refresh): replaces what is shown. */
export async function loadList(): Promise<void> {
  const gen = ++generation;
  listStatus.value = rows.value.length ? 'ready' : 'loading';
  try {
    const page = await get<Page<ConversationRow>>('/api/v1/conversations', query());
    if (gen !== generation) return;
    rows.value = page.data;
    nextCursor.value = page.nextCursor;
    pagesLoaded = 1;
    listStatus.value = 'ready';
    listError.value = null;
  } catch (err) {
    if (gen !== generation) return;
    listError.value = err;
    listStatus.value = 'error';
  }
}

export function setFilters(next: { assignee?: AssigneeFilter; status?: StatusFilter; label?: string | null; department?: string | null; sort?: SortOrder }) {
  if (next.sort) {
    sortOrder.value = next.sort;
    try {
      localStorage.setItem(SORT_KEY, next.sort);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
  if (next.assignee) assigneeFilter.value = next.assignee;
  if (next.status) statusFilter.value = next.status;
  if (next.label !== undefined) labelFilter.value = next.label;
  if (next.department !== undefined) departmentFilter.value = next.department;
  rows.value = [];
  nextCursor.value = null;
  void loadList();
}

export async function loadMore(): Promise<void> {
  const cursor = nextCursor.value;
  if (!cursor || loadingMore.value) return;
  const gen = generation;
  loadingMore.value = true;
  try {
    const page = await get<Page<ConversationRow>>('/api/v1/conversations', query(cursor));
    if (gen !== generation) return;
    const have = new Set(rows.value.map((r) => r.id));
    rows.value = [...rows.value, ...page.data.filter((r) => !have.has(r.id))];
    nextCursor.value = page.nextCursor;
    pagesLoaded += 1;
  } catch (err) {
    listError.value = err;
  } finally {
    loadingMore.value = false;
  }
}

/** Polling: the first page again, merged so that pages loaded further down stay. */
export async function refreshList(): Promise<void> {
  const gen = generation;
  const page = await get<Page<ConversationRow>>('/api/v1/conversations', query());
  if (gen !== generation) return;
  const before = new Map(rows.value.map((r) => [r.id, r]));
  const fresh = new Set(page.data.map((r) => r.id));
  const last = page.data[page.data.length - 1];
  // Rows beyond the first page stay; rows that were on it and are gone no longer match the filters.
  const kept = page.nextCursor && last ? rows.value.filter((r) => !fresh.has(r.id) && inListOrder(r, last) > 0) : [];
  rows.value = [...page.data, ...kept].sort(inListOrder);
  if (pagesLoaded <= 1) nextCursor.value = page.nextCursor;
  listStatus.value = 'ready';
  listError.value = null;
  notify(page.data.filter((r) => before.get(r.id)?.updatedAt !== r.updatedAt || before.get(r.id)?.unreadCount !== r.unreadCount));
}

/** A row from a socket event or a local change: placed, moved, or removed according to the filters. */
export function upsertRow(row: ConversationRow) {
  const others = rows.value.filter((r) => r.id !== row.id);
  const existing = rows.value.find((r) => r.id === row.id);
  if (existing && existing.updatedAt > row.updatedAt) return; // an older event arriving late
  rows.value = matchesFilters(row) ? [...others, row].sort(inListOrder) : others;
  notify([row]);
}

/** Local change to a known row (after PATCH, after sending, after reading). */
export function patchRow(id: string, patch: Partial<ConversationRow>) {
  const existing = rows.value.find((r) => r.id === id);
  if (!existing) return;
  const next = { ...existing, ...patch };
  rows.value = matchesFilters(next) ? rows.value.map((r) => (r.id === id ? next : r)).sort(inListOrder) : rows.value.filter((r) => r.id !== id);
}

function removeRow(id: string) {
  rows.value = rows.value.filter((r) => r.id !== id);
}

/** A label renamed or deleted: every row showing it; a filter on a deleted label is dropped. */
function applyLabelChange(change: LabelChange) {
  if (change.kind === 'deleted' && labelFilter.value === change.id) {
    setFilters({ label: null });
    return;
  }
  rows.value = rows.value.map((r) => {
    const labels = r.labels && relabel(r.labels, change);
    return labels === r.labels ? r : { ...r, labels };
  });
}

function schedulePoll(ms = POLL_MS) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(() => void pollOnce(), ms);
}

async function pollOnce() {
  if (!started) return;
  const due = socketsDown(inboxSocketState.value) && !document.hidden && Date.now() >= pollBackoffUntil;
  if (due && listStatus.value !== 'loading') {
    try {
      await refreshList();
      pollTrouble.value = false;
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) pollBackoffUntil = Date.now() + (err.retryAfter ?? 30) * 1000;
      if (err instanceof ApiError && err.status === 0) pollTrouble.value = true;
    }
  }
  schedulePoll();
}

export function startInbox() {
  if (started) return;
  started = true;
  unsubscribe = [
    onInboxEvent((e) => {
      if (e.type === 'conversation.updated') upsertRow(e.data as ConversationRow);
      else if (e.type === 'conversation.hidden') removeRow((e.data as { id: string }).id);
      else {
        const change = labelChange(e);
        if (change) applyLabelChange(change);
      }
    }),
    onInboxSync(() => {
      void refreshList().catch(() => {});
    }),
  ];
  const onVisible = () => {
    if (!document.hidden) schedulePoll(0);
  };
  document.addEventListener('visibilitychange', onVisible);
  unsubscribe.push(() => document.removeEventListener('visibilitychange', onVisible));
  void loadList();
  schedulePoll();
}

export function stopInbox() {
  started = false;
  clearTimeout(pollTimer);
  unsubscribe.forEach((fn) => fn());
  unsubscribe = [];
  rows.value = [];
  nextCursor.value = null;
  labelFilter.value = null;
  departmentFilter.value = null;
  listStatus.value = 'idle';
  generation++;
}
