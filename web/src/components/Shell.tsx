// The logged-in frame: skip link, header (brand, navigation, connection state, language, account menu), main.
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { useDismiss } from '../lib/dismiss';
import { initials } from '../lib/format';
import { NOTIFY_PREFS, notifyPref, setNotifyPref, unreadConversations, type NotifyPref } from '../state/attention';
import { isAdmin, isStaff, logout, session, switchOrganization } from '../state/session';
import { ConnectionBadge } from './ConnectionBadge';
import { IconBoard, IconChart, IconInbox, IconSettings, IconUser } from './icons';
import { LanguageSelect } from './LanguageSelect';
import { NotificationBell } from './NotificationBell';
import { presenceOf, setMyPresence } from '../state/members';

export function Shell({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const s = session.value!;
  const section = (['settings', 'contacts', 'deals', 'reports'] as const).find((s) => path.startsWith(`/${s}`)) ?? 'inbox';
  return (
    <div class="shell" data-section={section}>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="/inbox" aria-label={t('app.name')}>
          <span class="brand-mark" aria-hidden="true">C</span>
          <span class="brand-name">{t('app.name')}</span>
        </a>
        <nav class="topnav" aria-label={t('nav.main')}>
          <a href="/inbox" aria-current={section === 'inbox' ? 'page' : undefined}>
            <IconInbox />
            <span>{t('nav.inbox')}</span>
            {unreadConversations.value > 0 && (
              <span class="badge nav-badge" data-testid="nav-unread" aria-label={t('notify.unread', { n: unreadConversations.value })}>
                {unreadConversations.value}
              </span>
            )}
          </a>
          <a href="/contacts" aria-current={section === 'contacts' ? 'page' : undefined} data-testid="nav-contacts">
            <IconUser />
            <span>{t('nav.contacts')}</span>
          </a>
          <a href="/deals" aria-current={section === 'deals' ? 'page' : undefined} data-testid="nav-deals">
            <IconBoard />
            <span>{t('nav.deals')}</span>
          </a>
          {isStaff.value && (
            <a href="/reports" aria-current={section === 'reports' ? 'page' : undefined} data-testid="nav-reports">
              <IconChart />
              <span>{t('nav.reports')}</span>
            </a>
          )}
          {isAdmin.value && (
            <a href="/settings" aria-current={section === 'settings' ? 'page' : undefined}>
              <IconSettings />
              <span>{t('nav.settings')}</span>
            </a>
          )}
        </nav>
        <div class="topbar-end">
          <NotificationBell />
          <ConnectionBadge />
          <LanguageSelect compact />
          <AccountMenu name={s.user.name ?? s.user.email} />
        </div>
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function AccountMenu({ name }: { name: string }) {
  const { route } = useLocation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const s = session.value!;
  useDismiss(ref, open, () => setOpen(false), () => ref.current?.querySelector<HTMLButtonElement>('.account-button'));
  return (
    <div class="account" ref={ref}>
      <button
        type="button"
        class="account-button"
        aria-expanded={open}
        aria-haspopup="true"
        aria-controls="account-menu"
        onClick={() => setOpen(!open)}
        data-testid="account-menu"
      >
        <span class="avatar avatar-sm" aria-hidden="true">
          {initials(name)}
        </span>
        <span class="account-name">{name}</span>
      </button>
      {open && (
        <div class="account-menu" id="account-menu">
          <p class="account-who">
            <strong>{name}</strong>
            <span>{s.user.email}</span>
            <span>
              {s.organization.name} · {t(`role.${s.organization.role}`)}
            </span>
          </p>
          {s.organizations.length > 1 && (
            <label class="field">
              <span>{t('nav.switchOrg')}</span>
              <select value={s.organization.id} onChange={(e) => void switchOrganization(e.currentTarget.value)}>
                {s.organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="field">
            <span>{t('presence.label')}</span>
            <select
              value={presenceOf(s.user.id) === 'away' ? 'away' : 'online'}
              onChange={(e) => void setMyPresence(e.currentTarget.value as 'online' | 'away').catch(() => {})}
              data-testid="presence"
            >
              <option value="online">{t('presence.online')}</option>
              <option value="away">{t('presence.away')}</option>
            </select>
          </label>
          <label class="field">
            <span>{t('notify.pref')}</span>
            <select value={notifyPref.value} onChange={(e) => setNotifyPref(e.currentTarget.value as NotifyPref)} data-testid="notify-pref">
              {NOTIFY_PREFS.map((p) => (
                <option key={p} value={p}>
                  {t(`notify.pref.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn btn-block" onClick={() => void logout().then(() => route('/login', true))} data-testid="logout">
            {t('auth.logout')}
          </button>
        </div>
      )}
    </div>
  );
}
