// The contact beside the open chat: its details (labels, custom attributes, deals) from GET /api/v1/contacts/:id,
// and tagging it. One contact at a time, like the chat.
import { effect, signal, untracked } from '@preact/signals';
import { del, get, post } from '../api/client';
import type { ContactDetail } from '../api/crm';
import type { LabelRef, Page } from '../api/types';
import { errorText } from '../i18n';
import { labelChange, relabel } from './catalog';
import { onInboxEvent } from './realtime';
import { authStatus } from './session';

export const contactDetail = signal<{ id: string; detail: ContactDetail | null; error: string | null } | null>(null);
let generation = 0;

export async function loadContact(id: string, force = false): Promise<void> {
  if (!force && contactDetail.value?.id === id && contactDetail.value.detail) return;
  const gen = ++generation;
  if (contactDetail.value?.id !== id) contactDetail.value = { id, detail: null, error: null };
  try {
    const detail = await get<ContactDetail>(`/api/v1/contacts/${id}`);
    if (gen === generation) contactDetail.value = { id, detail, error: null };
  } catch (err) {
    if (gen === generation) contactDetail.value = { id, detail: contactDetail.value?.detail ?? null, error: errorText(err) };
  }
}

function setLabels(id: string, labels: LabelRef[]) {
  const cur = contactDetail.value;
  if (cur?.id !== id || !cur.detail) return;
  contactDetail.value = { ...cur, detail: { ...cur.detail, contact: { ...cur.detail.contact, labels } } };
}

/** Adds or removes a label on the contact: shown at once, put back if the server says no. */
export async function toggleContactLabel(id: string, label: LabelRef, apply: boolean): Promise<string | null> {
  const before = contactDetail.value?.detail?.contact.labels ?? [];
  setLabels(id, apply ? [...before.filter((l) => l.id !== label.id), label].sort((a, b) => a.name.localeCompare(b.name)) : before.filter((l) => l.id !== label.id));
  try {
    if (apply) setLabels(id, (await post<Page<LabelRef>>(`/api/v1/contacts/${id}/labels`, { labelIds: [label.id] })).data);
    else await del(`/api/v1/contacts/${id}/labels/${label.id}`);
    return null;
  } catch (err) {
    setLabels(id, before);
    return errorText(err);
  }
}

// A label renamed or deleted elsewhere: the contact's chips follow, like the list rows and the chat do.
onInboxEvent((e) => {
  const change = labelChange(e);
  const cur = contactDetail.value;
  if (!change || !cur?.detail) return;
  const labels = relabel(cur.detail.contact.labels, change);
  if (labels !== cur.detail.contact.labels) setLabels(cur.id, labels);
});

export function forgetContact() {
  generation++;
  contactDetail.value = null;
}

// Logged out: what was loaded belonged to that login (the next one, in this tab, may be another organisation).
effect(() => {
  if (authStatus.value === 'anon') untracked(forgetContact);
});
