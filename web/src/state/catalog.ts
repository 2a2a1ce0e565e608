// The organisation's vocabularies the inbox shows things with: labels, contact attribute definitions and pipelines
// (for stage names). Loaded once per session on first use; settings screens call `loadLabels(true)` after a change,
// and other sessions' renames and deletions arrive as `label.updated` / `label.deleted` on the inbox socket.
import { effect, signal, untracked } from '@preact/signals';
import { get } from '../api/client';
import type { Pipeline } from '../api/crm';
import type { AttributeDefinition, Department, Label, LabelRef, Page, RealtimeEvent } from '../api/types';
import { onInboxEvent } from './realtime';
import { authStatus } from './session';

export const orgLabels = signal<Label[] | null>(null);
export const attributeDefs = signal<AttributeDefinition[] | null>(null);
export const pipelines = signal<Pipeline[] | null>(null);
export const departments = signal<Department[] | null>(null);

const pending = new Map<string, Promise<void>>();

function once(key: string, force: boolean, have: boolean, load: () => Promise<void>): Promise<void> {
  if (have && !force) return Promise.resolve();
  let p = pending.get(key);
  if (!p) {
    p = load()
      .catch(() => {})
      .finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

export const loadLabels = (force = false) =>
  once('labels', force, orgLabels.value !== null, async () => {
    orgLabels.value = (await get<Page<Label>>('/api/v1/labels')).data;
  });

export const loadAttributeDefs = (force = false) =>
  once('attributes', force, attributeDefs.value !== null, async () => {
    attributeDefs.value = (await get<Page<AttributeDefinition>>('/api/v1/contact-attributes')).data;
  });

export const loadDepartments = (force = false) =>
  once('departments', force, departments.value !== null, async () => {
    departments.value = (await get<{ data: Department[] }>('/api/v1/departments')).data;
  });

export function departmentOf(id: string | null | undefined): Department | null {
  return (id && departments.value?.find((d) => d.id === id)) || null;
}

export const loadPipelines = (force = false) =>
  once('pipelines', force, pipelines.value !== null, async () => {
    pipelines.value = (await get<Page<Pipeline>>('/api/v1/pipelines')).data;
  });

/** A label renamed, recoloured or deleted elsewhere (durable-objects/protocol.ts). */
export type LabelChange = { kind: 'updated'; label: Label } | { kind: 'deleted'; id: string };

export function labelChange(e: RealtimeEvent): LabelChange | null {
  if (e.type === 'label.updated') return { kind: 'updated', label: (e.data as { label: Label }).label };
  if (e.type === 'label.deleted') return { kind: 'deleted', id: (e.data as { id: string }).id };
  return null;
}

const byName = (a: LabelRef, b: LabelRef) => a.name.localeCompare(b.name);

/** A list of labels (or chips) after a change; the same array when it does not hold that label. */
export function relabel<T extends LabelRef>(list: T[], change: LabelChange): T[] {
  const id = change.kind === 'updated' ? change.label.id : change.id;
  if (!list.some((l) => l.id === id)) return list;
  if (change.kind === 'deleted') return list.filter((l) => l.id !== id);
  const { name, color } = change.label;
  return list.map((l) => (l.id === id ? { ...l, name, color } : l)).sort(byName);
}

onInboxEvent((e) => {
  const change = labelChange(e);
  if (!change || !orgLabels.value) return;
  if (change.kind === 'deleted') {
    orgLabels.value = relabel(orgLabels.value, change);
    return;
  }
  // One this session has not seen yet (created elsewhere) joins the list.
  const others = orgLabels.value.filter((l) => l.id !== change.label.id);
  orgLabels.value = [...others, change.label].sort(byName);
});

export function stageName(stageId: string): string | null {
  for (const p of pipelines.value ?? []) for (const s of p.stages) if (s.id === stageId) return s.name;
  return null;
}

export function forgetCatalog() {
  orgLabels.value = null;
  attributeDefs.value = null;
  pipelines.value = null;
}

// Logged out: what was loaded belonged to that login (the next one, in this tab, may be another organisation).
effect(() => {
  if (authStatus.value === 'anon') untracked(forgetCatalog);
});
