// The organisation's vocabularies the inbox shows things with: labels, contact attribute definitions and pipelines
// (for stage names). Loaded once per session on first use; settings screens call `loadLabels(true)` after a change.
import { effect, signal, untracked } from '@preact/signals';
import { get } from '../api/client';
import type { Pipeline } from '../api/crm';
import type { AttributeDefinition, Label, Page } from '../api/types';
import { authStatus } from './session';

export const orgLabels = signal<Label[] | null>(null);
export const attributeDefs = signal<AttributeDefinition[] | null>(null);
export const pipelines = signal<Pipeline[] | null>(null);

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

export const loadPipelines = (force = false) =>
  once('pipelines', force, pipelines.value !== null, async () => {
    pipelines.value = (await get<Page<Pipeline>>('/api/v1/pipelines')).data;
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
