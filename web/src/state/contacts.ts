// Contacts: the list page's filters and pages, and the organisation's labels and attribute definitions (loaded once
// per session, reloaded on demand).
import { signal } from '@preact/signals';
import { listAttributes, listContacts, listLabelsApi, type AttributeDefinition, type Contact, type Label } from '../api/crm';

export const contactQuery = signal('');
export const contactLabel = signal('');
export const contacts = signal<Contact[]>([]);
export const contactsCursor = signal<string | null>(null);
export const contactsStatus = signal<'idle' | 'loading' | 'more' | 'ready' | 'error'>('idle');
export const contactsError = signal<unknown>(null);

let current: AbortController | null = null;

/** The first page for the current filters (a newer call cancels an older one still running). */
export async function loadContacts(): Promise<void> {
  current?.abort();
  const ctl = (current = new AbortController());
  contactsStatus.value = 'loading';
  try {
    const page = await listContacts({ q: contactQuery.value.trim() || undefined, label: contactLabel.value || undefined, limit: 30 }, ctl.signal);
    if (ctl.signal.aborted) return;
    contacts.value = page.data;
    contactsCursor.value = page.nextCursor;
    contactsStatus.value = 'ready';
  } catch (err) {
    if (ctl.signal.aborted) return;
    contactsError.value = err;
    contactsStatus.value = 'error';
  }
}

export async function loadMoreContacts(): Promise<void> {
  const cursor = contactsCursor.value;
  if (!cursor || contactsStatus.value !== 'ready') return;
  const ctl = (current = new AbortController());
  contactsStatus.value = 'more';
  try {
    const page = await listContacts({ q: contactQuery.value.trim() || undefined, label: contactLabel.value || undefined, cursor, limit: 30 }, ctl.signal);
    if (ctl.signal.aborted) return;
    const seen = new Set(contacts.value.map((c) => c.id));
    contacts.value = [...contacts.value, ...page.data.filter((c) => !seen.has(c.id))];
    contactsCursor.value = page.nextCursor;
    contactsStatus.value = 'ready';
  } catch (err) {
    if (ctl.signal.aborted) return;
    contactsError.value = err;
    contactsStatus.value = 'error';
  }
}

// ---- the organisation's vocabulary ----

export const labels = signal<Label[] | null>(null);
export const attributeDefs = signal<AttributeDefinition[] | null>(null);

export async function loadLabels(force = false): Promise<void> {
  if (labels.value && !force) return;
  labels.value = (await listLabelsApi()).data;
}

export async function loadAttributeDefs(force = false): Promise<void> {
  if (attributeDefs.value && !force) return;
  attributeDefs.value = (await listAttributes()).data;
}
