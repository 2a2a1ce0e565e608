// Never missing a message: the number of conversations with unread messages in the tab title and on the Inbox link,
// and — while the tab is hidden or not focused — a short sound and a browser notification for a customer's new
// message, as the user chose (all conversations, only theirs and the unassigned ones, or none). The choice is kept
// per user in this browser; permission for notifications is asked only when the user clicks "Ativar avisos".
import { computed, effect, signal } from '@preact/signals';
import type { ConversationRow } from '../api/types';
import { t } from '../i18n';
import { contactName } from '../lib/format';
import { rows } from './inbox';
import { onInboxEvent } from './realtime';
import { userId } from './session';

export type NotifyPref = 'all' | 'mine' | 'off';
export const NOTIFY_PREFS: NotifyPref[] = ['all', 'mine', 'off'];

const prefKey = (user: string | null) => `conversa:notify:${user ?? 'anon'}`;
const dismissKey = (user: string | null) => `conversa:notify-asked:${user ?? 'anon'}`;
const storage = () => (typeof localStorage === 'undefined' ? null : localStorage);

export const notifyPref = signal<NotifyPref>('mine');
/** The user closed the "turn on notifications" prompt without deciding: not shown again in this browser. */
export const promptDismissed = signal(false);
export const permission = signal<NotificationPermission | 'unsupported'>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

effect(() => {
  const user = userId.value;
  const saved = storage()?.getItem(prefKey(user));
  notifyPref.value = NOTIFY_PREFS.includes(saved as NotifyPref) ? (saved as NotifyPref) : 'mine';
  promptDismissed.value = storage()?.getItem(dismissKey(user)) === '1';
});

export function setNotifyPref(pref: NotifyPref) {
  notifyPref.value = pref;
  storage()?.setItem(prefKey(userId.value), pref);
}

export function dismissPrompt() {
  promptDismissed.value = true;
  storage()?.setItem(dismissKey(userId.value), '1');
}

export async function askPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  permission.value = await Notification.requestPermission();
  dismissPrompt();
}

/** Conversations with unread customer messages, among those the user's list holds. */
export const unreadConversations = computed(() => rows.value.filter((r) => r.unreadCount > 0).length);

// "(3) Conversas · Conversa": the prefix follows the count whatever title a page sets.
const PREFIX = /^\(\d+\) /;
function applyTitle() {
  const n = unreadConversations.value;
  const base = document.title.replace(PREFIX, '');
  const next = n > 0 ? `(${n}) ${base}` : base;
  if (document.title !== next) document.title = next;
}
if (typeof document !== 'undefined') {
  effect(applyTitle);
  const title = document.querySelector('title');
  if (title) new MutationObserver(applyTitle).observe(title, { childList: true });
}

const wanted = (row: ConversationRow) => {
  const pref = notifyPref.value;
  if (pref === 'off') return false;
  return pref === 'all' || row.assigneeId === null || row.assigneeId === userId.value;
};

let audio: AudioContext | null = null;
/** Two short soft tones, made here: no sound file to fetch. */
function chime() {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.15 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.15 + 0.14);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.15);
      osc.stop(start + i * 0.15 + 0.15);
    }
  } catch {
    // No audio (autoplay policy before any click): the notification still shows.
  }
}

/** Someone is looking at this tab: nothing to announce. */
const watching = () => !document.hidden && document.hasFocus();

function announce(row: ConversationRow) {
  chime();
  if (permission.value !== 'granted' || typeof Notification === 'undefined') return;
  const n = new Notification(contactName(row.contact) || t('notify.newMessage'), {
    body: row.lastMessagePreview ?? t('notify.newMessage'),
    tag: `conversation-${row.id}`,
    lang: document.documentElement.lang,
  });
  n.onclick = () => {
    window.focus();
    history.pushState(null, '', `/inbox/${row.id}`);
    dispatchEvent(new PopStateEvent('popstate'));
    n.close();
  };
}

/**
 * Subscribed before the inbox list (main.tsx), so the list still holds the row as it was: more unread than before
 * means a new customer message (a conversation the list did not hold counts from zero).
 */
/** An entry of the notification centre (GET /api/v1/notifications, `notification.created`). */
export interface Notice {
  id: string;
  userId: string;
  kind: 'mention' | 'assigned';
  conversationId: string;
  messageId: string | null;
  actorUserId: string | null;
  actorName: string | null;
  contactName: string | null;
  excerpt: string | null;
  createdAt: string;
  readAt: string | null;
}
export const notices = signal<Notice[]>([]);
export const unreadNotices = signal(0);

/** A mention or a conversation given to the user, while the tab is out of view: sound and notification too. */
export function announceNotice(n: Notice) {
  if (notifyPref.value === 'off' || watching()) return;
  chime();
  if (permission.value !== 'granted' || typeof Notification === 'undefined') return;
  const title = n.kind === 'mention' ? t('bell.mention', { who: n.actorName ?? t('activity.someone'), contact: n.contactName ?? '—' }) : t('bell.assigned', { who: n.actorName ?? t('activity.someone'), contact: n.contactName ?? '—' });
  const shown = new Notification(title, { body: n.excerpt ?? '', tag: `notice-${n.id}`, lang: document.documentElement.lang });
  shown.onclick = () => {
    window.focus();
    history.pushState(null, '', `/inbox/${n.conversationId}`);
    dispatchEvent(new PopStateEvent('popstate'));
    shown.close();
  };
}

export function startAttention(): () => void {
  return onInboxEvent((e) => {
    if (e.type !== 'conversation.updated') return;
    const row = e.data as ConversationRow;
    const before = rows.value.find((r) => r.id === row.id)?.unreadCount ?? 0;
    if (row.unreadCount > before && wanted(row) && !watching()) announce(row);
  });
}
