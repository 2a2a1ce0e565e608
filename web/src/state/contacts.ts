// Contacts: the list page's filters and pages. (The organisation's labels and attribute definitions live in
// state/catalog.ts, shared with the inbox and settings.)
import { signal } from '@preact/signals';
import { listContacts, type Contact } from '../api/crm';

export const contactQuery = signal('');
export const contactLabel = signal('');
/** A custom attribute filter: key and value (sent as `attribute=key:value`; empty value = no filter). */
export const contactAttrKey = signal('');
export const contactAttrValue = signal('');
export const contacts = signal<Contact[]>([]);
export const contactsCursor = signal<string | null>(null);
export const contactsStatus = signal<'idle' | 'loading' | 'more' | 'ready' | 'error'>('idle');
export const contactsError = signal<unknown>(null);

let current: AbortController | null = null;

function filters() {
  const attr = contactAttrKey.value && contactAttrValue.value.trim() ? `${contactAttrKey.value}:${contactAttrValue.value.trim()}` : undefined;
  return { q: contactQuery.value.trim() || undefined, label: contactLabel.value || undefined, attribute: attr };
}

/** The first page for the current filters (a newer call cancels an older one still running). */
export function loadContacts(): Promise<void> {
  current?.abort();
  return fetchPage(null);
}

/** The next page, appended (contacts already shown are not repeated). */
export function loadMoreContacts(): Promise<void> {
  const cursor = contactsCursor.value;
  if (!cursor || contactsStatus.value !== 'ready') return Promise.resolve();
  return fetchPage(cursor);
}

async function fetchPage(cursor: string | null): Promise<void> {
  const ctl = (current = new AbortController());
  contactsStatus.value = cursor ? 'more' : 'loading';
  try {
    const page = await listContacts({ ...filters(), ...(cursor ? { cursor } : {}), limit: 30 }, ctl.signal);
    if (ctl.signal.aborted) return;
    const seen = new Set(cursor ? contacts.value.map((c) => c.id) : []);
    contacts.value = cursor ? [...contacts.value, ...page.data.filter((c) => !seen.has(c.id))] : page.data;
    contactsCursor.value = page.nextCursor;
    contactsStatus.value = 'ready';
  } catch (err) {
    if (ctl.signal.aborted) return;
    contactsError.value = err;
    contactsStatus.value = 'error';
  }
}
