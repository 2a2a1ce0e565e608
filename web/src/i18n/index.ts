// Every string the app shows, Portuguese (Brazil) first, English second. `t(key, params)` reads the locale signal,
// so components re-render when the language changes. `{name}` placeholders are filled from params.
import { signal } from '@preact/signals';
import * as core from './messages/core';
import type * as crm from './messages/crm';
import type * as reports from './messages/reports';
import * as workspace from './messages/workspace';

export type Locale = 'pt-BR' | 'en';

// One module per area of the app (core, crm, …): each exports `ptBR` (as const) and `en` with the same keys. Areas
// behind a lazy route (crm) are not in the first load: their module calls addMessages() when its chunk loads.
type AllMessages = typeof core.ptBR & typeof workspace.ptBR & typeof crm.ptBR & typeof reports.ptBR;
export type MessageKey = keyof AllMessages;

const ptBR: Partial<Record<MessageKey, string>> = { ...core.ptBR, ...workspace.ptBR };
const en: Partial<Record<MessageKey, string>> = { ...core.en, ...workspace.en };
const DICTS: Record<Locale, Partial<Record<MessageKey, string>>> = { 'pt-BR': ptBR, en };

export function addMessages(area: { ptBR: Partial<Record<MessageKey, string>>; en: Partial<Record<MessageKey, string>> }) {
  Object.assign(ptBR, area.ptBR);
  Object.assign(en, area.en);
}
const STORAGE_KEY = 'conversa.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'pt-BR') return saved;
  } catch {
    // Storage blocked: fall through to the default.
  }
  return 'pt-BR';
}

export const locale = signal<Locale>(initialLocale());

export function setLocale(next: Locale, remember = true) {
  locale.value = next;
  document.documentElement.lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; still applied.
    }
  }
}

/** Applies a locale from the account or organisation unless the person picked one on this device. */
export function suggestLocale(value: string | null | undefined) {
  try {
    if (localStorage.getItem(STORAGE_KEY)) return;
  } catch {
    return;
  }
  if (value) setLocale(value.toLowerCase().startsWith('en') ? 'en' : 'pt-BR', false);
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTS[locale.value][key] ?? ptBR[key] ?? key;
  if (!params) return text;
  return text
    .replace(PLURAL, (m, name: string, forms: string) => (name in params ? plural(Number(params[name]), forms) : m))
    .replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

// `{n, plural, one {# contato} other {# contatos}}` (the ICU subset we need): the form Intl.PluralRules picks for
// the locale, `#` being the number. Portuguese and English both say "1 contato" but "0 contatos".
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const rules = new Map<string, Intl.PluralRules>();

function plural(n: number, forms: string): string {
  const byName = new Map([...forms.matchAll(/(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g)].map((f) => [f[1]!, f[2]!]));
  let r = rules.get(locale.value);
  if (!r) rules.set(locale.value, (r = new Intl.PluralRules(locale.value)));
  const form = byName.get(`=${n}`) ?? byName.get(r.select(n)) ?? byName.get('other') ?? '';
  return form.replace(/#/g, new Intl.NumberFormat(locale.value).format(n));
}

/** A readable message for an API error: our translation of its code, else the server's own message. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    const { code, message, status } = err as { code: string; message: string; status: number };
    if (code === 'network_error') return t('error.network');
    const key = `error.${code}` as MessageKey;
    if (key in ptBR) return t(key, { message });
    if (code === 'validation_failed' || status === 400 || status === 422) return message;
    if (status === 403) return t('error.forbidden');
    if (status === 404) return t('error.not_found');
  }
  return t('error.generic');
}
