// The notification centre: mentions in private notes and conversations given to the member, newest first, unread
// counted on the bell; live from `notification.created`, read when opened. Each entry opens its conversation.
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { RealtimeEvent } from '../api/types';
import { t } from '../i18n';
import { useDismiss } from '../lib/dismiss';
import { IconBell } from './icons';
import { shortRelative } from '../lib/format';
import { now } from '../state/clock';
import { announceNotice, notices, unreadNotices, type Notice } from '../state/attention';
import { onInboxEvent } from '../state/realtime';

export function NotificationBell() {
  const { route } = useLocation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void get<{ data: Notice[]; unread: number }>('/api/v1/notifications').then(
      (r) => {
        notices.value = r.data;
        unreadNotices.value = r.unread;
      },
      () => {},
    );
    return onInboxEvent((e: RealtimeEvent) => {
      if (e.type !== 'notification.created') return;
      const n = e.data as Notice;
      notices.value = [n, ...notices.value.filter((x) => x.id !== n.id)].slice(0, 50);
      unreadNotices.value += 1;
      announceNotice(n);
    });
  }, []);
  useDismiss(ref, open, () => setOpen(false), () => ref.current?.querySelector<HTMLButtonElement>('.bell-button'));
  useEffect(() => {
    // Seen: everything listed is read now.
    if (!open || unreadNotices.value === 0) return;
    void post('/api/v1/notifications/read', {}).then(() => {
      unreadNotices.value = 0;
      notices.value = notices.value.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString() }));
    });
  }, [open]);
  const unread = unreadNotices.value;
  return (
    <div class="bell" ref={ref}>
      <button
        type="button"
        class="icon-btn bell-button"
        aria-expanded={open}
        aria-controls="bell-menu"
        aria-label={unread > 0 ? t('bell.labelUnread', { n: unread }) : t('bell.label')}
        onClick={() => setOpen(!open)}
        data-testid="bell"
      >
        <IconBell />
        {unread > 0 && (
          <span class="badge bell-badge" aria-hidden="true" data-testid="bell-unread">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div class="bell-menu" id="bell-menu" data-testid="bell-menu">
          <h2>{t('bell.title')}</h2>
          {notices.value.length === 0 ? (
            <p class="muted small">{t('bell.none')}</p>
          ) : (
            <ul class="plain-list">
              {notices.value.map((n) => (
                <li key={n.id} data-unread={n.readAt ? 'false' : 'true'}>
                  <a
                    href={`/inbox/${n.conversationId}`}
                    onClick={(e) => {
                      e.preventDefault();
                      setOpen(false);
                      route(`/inbox/${n.conversationId}`);
                    }}
                  >
                    <span>{noticeText(n)}</span>
                    {n.excerpt && <span class="muted small bell-excerpt">{n.excerpt}</span>}
                    <time class="muted small" dateTime={n.createdAt}>
                      {shortRelative(n.createdAt, now.value)}
                    </time>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

export function noticeText(n: Notice): string {
  const who = n.actorName ?? t('activity.someone');
  const contact = n.contactName ?? '—';
  return n.kind === 'mention' ? t('bell.mention', { who, contact }) : t('bell.assigned', { who, contact });
}
