// Dates, names, phones and sizes, formatted for the current locale.
import type { ContactSummary } from '../api/types';
import { locale, t } from '../i18n';

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function timeOfDay(iso: string): string {
  return new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale.value, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

export function dateOnly(iso: string): string {
  return new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium' }).format(new Date(iso));
}

/** The list's compact time: "agora", "5 min", "14:32", "ontem", "seg.", "12/03/25". */
export function shortRelative(iso: string | null, now: number): string {
  if (!iso) return '';
  const at = new Date(iso).getTime();
  const diff = now - at;
  if (diff < 60_000) return t('time.now');
  if (diff < 60 * 60_000) return `${Math.floor(diff / 60_000)} min`;
  const today = startOfDay(now);
  if (at >= today) return timeOfDay(iso);
  if (at >= today - DAY) return t('chat.yesterday').toLowerCase();
  if (at >= today - 6 * DAY) return new Intl.DateTimeFormat(locale.value, { weekday: 'short' }).format(new Date(at));
  return new Intl.DateTimeFormat(locale.value, { day: '2-digit', month: '2-digit', year: '2-digit' }).format(new Date(at));
}

/** "em 45 minutos", "há 2 horas". */
export function relative(iso: string, now: number): string {
  const diff = new Date(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60 * 60_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < DAY) return rtf.format(Math.round(diff / (60 * 60_000)), 'hour');
  return rtf.format(Math.round(diff / DAY), 'day');
}

/** Separator between days in the chat: "Hoje", "Ontem", "segunda-feira, 3 de março". */
export function dayLabel(iso: string, now: number): string {
  const at = new Date(iso).getTime();
  const today = startOfDay(now);
  if (at >= today) return t('chat.today');
  if (at >= today - DAY) return t('chat.yesterday');
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale.value, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(new Date(at));
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** Brazilian numbers as people write them: +55 (11) 98765-4321; others unchanged. */
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  const br = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits);
  if (br) return `+55 (${br[1]}) ${br[2]}-${br[3]}`;
  return phone.startsWith('+') ? phone : `+${digits}`;
}

export function contactName(c: ContactSummary | null | undefined): string {
  if (!c) return '';
  return c.name || c.profileName || formatPhone(c.phone ?? c.waId) || '?';
}

export function initials(name: string): string {
  const parts = name.replace(/[^\p{L}\p{N}\s]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '#';
  return ((parts[0]![0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : '')).toUpperCase();
}

export function bytes(n: number | null | undefined): string {
  if (!n && n !== 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Removes accents and case for searching ("João" matches "joao"). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
