// The contact pane: who the customer is and the state of WhatsApp's 24 h service window.
import { useEffect, useRef } from 'preact/hooks';
import { IconX } from '../../components/icons';
import { t } from '../../i18n';
import { contactName, dateTime, formatPhone, initials, relative } from '../../lib/format';
import type { ChatStore } from '../../state/chat';
import { now } from '../../state/clock';
import { memberName } from '../../state/members';
import { userId } from '../../state/session';
import { contactOpen } from './Inbox';

export function ContactPanel({ store }: { store: ChatStore }) {
  const c = store.conversation.value!;
  const ref = useRef<HTMLElement>(null);
  const name = contactName(c.contact);
  const open = store.windowOpen.value;
  const expires = c.lastInboundAt ? new Date(new Date(c.lastInboundAt).getTime() + 24 * 3600_000).toISOString() : null;
  const phone = c.contact.phone ?? (c.contact.waId ? `+${c.contact.waId}` : null);
  const assignee = c.assigneeId === null ? t('inbox.unassigned') : c.assigneeId === userId.value ? t('inbox.assignedToYou') : (memberName(c.assigneeId) ?? '—');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && ref.current?.contains(document.activeElement)) contactOpen.value = false;
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <aside class="pane-contact" aria-labelledby="contact-title" ref={ref} data-testid="contact-panel">
      <div class="contact-head">
        <h2 id="contact-title">{t('contact.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('contact.close')} onClick={() => (contactOpen.value = false)}>
          <IconX />
        </button>
      </div>
      <div class="contact-card">
        <span class="avatar avatar-lg" aria-hidden="true">
          {initials(name)}
        </span>
        <p class="contact-name">{name}</p>
      </div>
      <dl class="facts">
        <dt>{t('contact.name')}</dt>
        <dd>{c.contact.name ?? '—'}</dd>
        {c.contact.profileName && c.contact.profileName !== c.contact.name && (
          <>
            <dt>{t('contact.profileName')}</dt>
            <dd>{c.contact.profileName}</dd>
          </>
        )}
        <dt>{t('contact.phone')}</dt>
        <dd>{phone ? <a href={`tel:${phone}`}>{formatPhone(phone)}</a> : '—'}</dd>
        <dt>{t('contact.window')}</dt>
        <dd data-testid="window-state" data-open={open ? 'true' : 'false'}>
          <span class={`window-dot ${open ? 'is-open' : 'is-closed'}`} aria-hidden="true" />
          {!expires
            ? t('contact.windowNever')
            : open
              ? t('contact.windowOpen', { time: `${dateTime(expires)} (${relative(expires, now.value)})` })
              : t('contact.windowClosed', { time: dateTime(expires) })}
        </dd>
        <dt>{t('contact.status')}</dt>
        <dd>{t(`status.${c.status}`)}</dd>
        <dt>{t('contact.assignee')}</dt>
        <dd>{assignee}</dd>
      </dl>
    </aside>
  );
}
