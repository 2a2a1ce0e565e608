// The inbox search box: GET /api/v1/search (messages by Portuguese full text, contacts by name or phone), debounced,
// and the previous request aborted when the text changes. While the box has text the list pane shows the results.
import { effect, signal, untracked } from '@preact/signals';
import { get } from '../api/client';
import type { SearchResult } from '../api/types';
import { authStatus } from './session';

const DEBOUNCE_MS = 250;

export const searchText = signal('');
export const searchState = signal<
  { status: 'idle' } | { status: 'loading'; q: string } | { status: 'ready'; result: SearchResult } | { status: 'error'; error: unknown }
>({ status: 'idle' });

/** A message opened from the results: the chat scrolls to it and flashes it when it is among those loaded. */
export const focusMessage = signal<string | null>(null);

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: AbortController | null = null;

export function setSearch(text: string) {
  searchText.value = text;
  clearTimeout(timer);
  inflight?.abort();
  inflight = null;
  const q = text.trim();
  if (!q) {
    searchState.value = { status: 'idle' };
    return;
  }
  // Keep the previous results on screen while the next ones load (no flicker while typing).
  if (searchState.value.status !== 'ready') searchState.value = { status: 'loading', q };
  timer = setTimeout(() => void run(q), DEBOUNCE_MS);
}

async function run(q: string) {
  const ctrl = new AbortController();
  inflight = ctrl;
  try {
    const result = await get<SearchResult>('/api/v1/search', { q, limit: 20 }, ctrl.signal);
    if (ctrl.signal.aborted) return;
    searchState.value = { status: 'ready', result };
  } catch (err) {
    if (ctrl.signal.aborted || (err as Error).name === 'AbortError') return;
    searchState.value = { status: 'error', error: err };
  } finally {
    if (inflight === ctrl) inflight = null;
  }
}

export function clearSearch() {
  setSearch('');
}

// Logged out: what was loaded belonged to that login (the next one, in this tab, may be another organisation).
effect(() => {
  if (authStatus.value === 'anon') untracked(clearSearch);
});
