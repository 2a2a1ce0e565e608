// Message templates (per channel, for the composer) and canned responses (whose endpoint may not exist yet).
import { signal } from '@preact/signals';
import { ApiError, get } from '../api/client';
import type { CannedResponse, Page, Template } from '../api/types';

const templateCache = new Map<string, Promise<Template[]>>();

export function approvedTemplates(channelId: string, force = false): Promise<Template[]> {
  if (force) templateCache.delete(channelId);
  let p = templateCache.get(channelId);
  if (!p) {
    p = get<Page<Template>>('/api/v1/templates', { channelId, status: 'APPROVED' }).then((r) => r.data);
    p.catch(() => templateCache.delete(channelId));
    templateCache.set(channelId, p);
  }
  return p;
}

export function forgetTemplates() {
  templateCache.clear();
}

/** null: not loaded; 'unavailable': the API has no canned responses yet. */
export const canned = signal<CannedResponse[] | 'unavailable' | null>(null);
let cannedLoading: Promise<void> | null = null;

export function loadCanned(): Promise<void> {
  if (canned.value !== null) return Promise.resolve();
  cannedLoading ??= get<Page<CannedResponse>>('/api/v1/canned-responses')
    .then((r) => {
      canned.value = r.data;
    })
    .catch((err: unknown) => {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) canned.value = 'unavailable';
    })
    .finally(() => {
      cannedLoading = null;
    });
  return cannedLoading;
}

/** The saved replies changed (settings): the composer loads them again next time. */
export function forgetCanned() {
  canned.value = null;
}

/** Placeholders of a template text in order of first use: {{1}}, {{2}} or named {{first_name}}. */
export function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (m, name: string) => values[name] || m);
}
