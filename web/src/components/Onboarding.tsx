// First run: the steps a new organisation takes before its inbox is useful — connect a number, invite the team,
// create labels and quick replies, sync the templates — each linking to its page, ticked as it is done. Shown to
// admins on the empty chat pane until every step is done or they hide it.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import type { Channel, Page } from '../api/types';
import { t, type MessageKey } from '../i18n';
import { isAdmin, userId } from '../state/session';

interface Step {
  id: 'channel' | 'team' | 'labels' | 'quick' | 'templates';
  href: string;
  done: boolean;
}

const hiddenKey = (user: string | null) => `conversa:onboarding-hidden:${user ?? 'anon'}`;

async function steps(): Promise<Step[]> {
  const count = async (path: string) => (await get<Page<unknown>>(path).catch(() => ({ data: [] as unknown[] }))).data.length;
  const [channels, members, invites, labels, quick, templates] = await Promise.all([
    get<Page<Channel>>('/api/v1/channels').then((r) => r.data, () => [] as Channel[]),
    count('/api/v1/members'),
    count('/api/v1/invitations'),
    count('/api/v1/labels'),
    count('/api/v1/canned-responses'),
    count('/api/v1/templates'),
  ]);
  const active = channels.filter((c) => c.status === 'active');
  const needsTemplates = active.some((c) => c.capabilities?.templates !== false);
  return [
    { id: 'channel', href: '/settings/channels', done: active.length > 0 },
    { id: 'team', href: '/settings/members', done: members > 1 || invites > 0 },
    { id: 'labels', href: '/settings/labels', done: labels > 0 },
    { id: 'quick', href: '/settings/canned-responses', done: quick > 0 },
    // Numbers connected by QR code have no templates: nothing to sync then.
    { id: 'templates', href: '/settings/templates', done: active.length > 0 && (!needsTemplates || templates > 0) },
  ];
}

export function Onboarding() {
  const [list, setList] = useState<Step[] | null>(null);
  const [hidden, setHidden] = useState(() => localStorage.getItem(hiddenKey(userId.value)) === '1');
  useEffect(() => {
    if (isAdmin.value && !hidden) void steps().then(setList);
  }, [hidden]);
  if (!isAdmin.value || hidden || !list || list.every((s) => s.done)) return null;
  const done = list.filter((s) => s.done).length;
  return (
    <section class="card onboarding" aria-labelledby="onboarding-title" data-testid="onboarding">
      <h2 id="onboarding-title">{t('onboarding.title')}</h2>
      <p class="muted">{t('onboarding.progress', { done, total: list.length })}</p>
      <ol class="onboarding-steps">
        {list.map((s) => (
          <li key={s.id} data-done={s.done ? 'true' : 'false'} data-testid={`onboarding-${s.id}`}>
            <span class="onboarding-check" aria-hidden="true">
              {s.done ? '✓' : ''}
            </span>
            <span class="sr-only">{s.done ? t('onboarding.done') : t('onboarding.todo')}</span>
            <a href={s.href}>{t(`onboarding.${s.id}` as MessageKey)}</a>
            <span class="muted small">{t(`onboarding.${s.id}.why` as MessageKey)}</span>
          </li>
        ))}
      </ol>
      <button
        type="button"
        class="btn btn-small"
        onClick={() => {
          localStorage.setItem(hiddenKey(userId.value), '1');
          setHidden(true);
        }}
      >
        {t('onboarding.hide')}
      </button>
    </section>
  );
}
