import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationRow } from '../../api/types';
import { LabelChip } from '../../components/Labels';
import { errorText, t } from '../../i18n';
import { contactName, formatPhone, initials, shortRelative } from '../../lib/format';
import { departmentOf, loadDepartments, loadLabels, orgLabels } from '../../state/catalog';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { now } from '../../state/clock';
import {
  assigneeFilter, departmentFilter, labelFilter, listError, listStatus, loadingMore, loadList, loadMore, nextCursor, openId, rows, setFilters,
  SORT_ORDERS, sortOrder, statusFilter, type AssigneeFilter, type SortOrder, type StatusFilter,
} from '../../state/inbox';
import { memberName } from '../../state/members';
import { clearSearch, searchText, setSearch } from '../../state/search';
import { userId } from '../../state/session';
import { SearchResults } from './SearchResults';
import { StartConversation } from '../../components/StartConversation';
import { focusComposerOnOpen } from '../../state/keyboard';
import { askPermission, dismissPrompt, notifyPref, permission, promptDismissed } from '../../state/attention';

const ASSIGNEE: AssigneeFilter[] = ['mine', 'unassigned', 'all'];
const STATUSES: StatusFilter[] = ['open', 'pending', 'snoozed', 'resolved', 'any'];

export function ConversationList() {
  const listRef = useRef<HTMLUListElement>(null);
  const list = rows.value;
  const status = listStatus.value;
  const searching = searchText.value.trim() !== '';
  useEffect(() => {
    void loadLabels();
    void loadDepartments();
  }, []);

  // Keep the open conversation's row in view when the list changes under it.
  useEffect(() => {
    const el = listRef.current?.querySelector<HTMLElement>('[aria-current="page"]');
    el?.scrollIntoView({ block: 'nearest' });
  }, [openId.value]);

  const [starting, setStarting] = useState(false);
  const onKeyDown = (e: KeyboardEvent) => {
    const links = [...((e.currentTarget as HTMLElement).querySelectorAll<HTMLAnchorElement>('a.conv') ?? [])];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(i + 1, links.length - 1);
    else if (e.key === 'ArrowUp') next = i <= 0 ? 0 : i - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = links.length - 1;
    else if (e.key === 'Enter' && i >= 0) {
      // Open already: no navigation will happen, so the focus goes to its reply box now.
      if (links[i]!.getAttribute('data-id') === openId.value) {
        const box = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"] textarea');
        if (box) {
          e.preventDefault();
          box.focus();
          return;
        }
      }
      focusComposerOnOpen.value = true;
    }
    const target = next >= 0 ? links[next] : undefined;
    if (target) {
      e.preventDefault();
      target.focus();
    }
  };

  return (
    <aside class="pane-list" aria-labelledby="inbox-title">
      <div class="list-head">
        <div class="list-title">
          <h1 id="inbox-title">{t('inbox.title')}</h1>
          <button type="button" class="btn btn-small" aria-expanded={starting} aria-controls="start-panel" onClick={() => setStarting(!starting)} data-testid="start-open">
            {t('start.open')}
          </button>
        </div>
        {permission.value === 'default' && !promptDismissed.value && notifyPref.value !== 'off' && (
          <div class="alert alert-info notify-prompt" role="region" aria-label={t('notify.prompt')} data-testid="notify-prompt">
            <span>{t('notify.prompt')}</span>
            <span class="button-row">
              <button type="button" class="btn btn-small btn-primary" onClick={() => void askPermission()} data-testid="notify-enable">
                {t('notify.enable')}
              </button>
              <button type="button" class="btn btn-small" onClick={dismissPrompt}>
                {t('notify.later')}
              </button>
            </span>
          </div>
        )}
        {starting && (
          <section id="start-panel" class="card start-panel" aria-label={t('start.title')}>
            <StartConversation />
          </section>
        )}
        <div class="segmented" role="group" aria-label={t('inbox.filter.label')}>
          {ASSIGNEE.map((a) => (
            <button
              key={a}
              type="button"
              aria-pressed={assigneeFilter.value === a}
              onClick={() => assigneeFilter.value !== a && setFilters({ assignee: a })}
              data-testid={`filter-${a}`}
            >
              {t(`inbox.filter.${a}`)}
            </button>
          ))}
        </div>
        <div class="list-tools">
          <label class="field-inline">
            <span class="sr-only">{t('inbox.status.label')}</span>
            <select value={statusFilter.value} onChange={(e) => setFilters({ status: e.currentTarget.value as StatusFilter })} data-testid="status-filter">
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === 'any' ? t('inbox.status.any') : t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label class="field-inline">
            <span class="sr-only">{t('inbox.labelFilter')}</span>
            <select
              value={labelFilter.value ?? ''}
              onChange={(e) => setFilters({ label: e.currentTarget.value || null })}
              data-testid="label-filter"
              title={t('inbox.labelFilter')}
            >
              <option value="">{t('inbox.anyLabel')}</option>
              {(orgLabels.value ?? []).map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
              {labelFilter.value && !orgLabels.value?.some((l) => l.id === labelFilter.value) && <option value={labelFilter.value}>…</option>}
            </select>
          </label>
          <DepartmentSelect
            label={t('departments.filter')}
            value={departmentFilter.value ?? ''}
            leading={[
              { value: '', label: t('departments.all') },
              { value: 'none', label: t('departments.general') },
            ]}
            onChange={(department) => setFilters({ department })}
            testId="department-filter"
          />
          <label class="field-inline">
            <span class="sr-only">{t('inbox.sort.label')}</span>
            <select
              value={sortOrder.value}
              onChange={(e) => setFilters({ sort: e.currentTarget.value as SortOrder })}
              data-testid="sort-order"
              title={t('inbox.sort.label')}
            >
              {SORT_ORDERS.map((s) => (
                <option key={s} value={s}>
                  {t(`inbox.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label class="field-inline search-box">
          <span class="sr-only">{t('inbox.search')}</span>
          <input
            type="search"
            placeholder={t('inbox.searchShort')}
            title={t('inbox.search')}
            value={searchText.value}
            onInput={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && searchText.value) {
                e.preventDefault();
                clearSearch();
              } else if (e.key === 'ArrowDown') {
                const first = e.currentTarget.closest('.pane-list')?.querySelector<HTMLAnchorElement>('a.conv');
                if (first) {
                  e.preventDefault();
                  first.focus();
                }
              }
            }}
            data-testid="search"
          />
        </label>
      </div>
      <p id="list-help" class="sr-only">
        {t('inbox.listHelp')}
      </p>
      {searching ? (
        <SearchResults onKeyDown={onKeyDown} />
      ) : status === 'loading' && rows.value.length === 0 ? (
        <ul class="conv-list" aria-busy="true" aria-label={t('common.loading')}>
          {[0, 1, 2, 3].map((i) => (
            <li key={i} class="conv conv-skeleton" aria-hidden="true" />
          ))}
        </ul>
      ) : status === 'error' && rows.value.length === 0 ? (
        <div class="list-empty" role="alert">
          <p>{errorText(listError.value)}</p>
          <button type="button" class="btn" onClick={() => void loadList()}>
            {t('common.retry')}
          </button>
        </div>
      ) : list.length === 0 ? (
        <div class="list-empty">
          <p>{labelFilter.value ? t('inbox.noLabelResults') : t('inbox.empty')}</p>
          {!labelFilter.value && <p class="muted">{t('inbox.emptyHint')}</p>}
        </div>
      ) : (
        <ul class="conv-list" ref={listRef} onKeyDown={onKeyDown} aria-labelledby="inbox-title" aria-describedby="list-help" data-testid="conversation-list">
          {list.map((row) => (
            <Row key={row.id} row={row} current={row.id === openId.value} tabbable={row.id === (list.some((r) => r.id === openId.value) ? openId.value : list[0]!.id)} />
          ))}
        </ul>
      )}
      {nextCursor.value && !searching && (
        <div class="list-more">
          <button type="button" class="btn btn-ghost btn-block" onClick={() => void loadMore()} disabled={loadingMore.value}>
            {loadingMore.value ? t('common.loading') : t('common.loadMore')}
          </button>
        </div>
      )}
    </aside>
  );
}

/** One Tab stop for the whole list (the open conversation, else the first); arrows move between rows. */
function Row({ row, current, tabbable }: { row: ConversationRow; current: boolean; tabbable: boolean }) {
  const name = contactName(row.contact);
  const unread = current ? 0 : row.unreadCount;
  const me = userId.value;
  const assignee = row.assigneeId === null ? null : row.assigneeId === me ? t('inbox.assignedToYou') : memberName(row.assigneeId);
  const dept = departmentOf(row.departmentId);
  return (
    <li>
      <a
        class={`conv${unread > 0 ? ' conv-unread' : ''}`}
        href={`/inbox/${row.id}`}
        aria-current={current ? 'page' : undefined}
        tabIndex={tabbable ? 0 : -1}
        data-testid="conversation"
        data-id={row.id}
      >
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span class="conv-main">
          <span class="conv-top">
            <span class="conv-name">{name}</span>
            <time class="conv-time" dateTime={row.lastMessageAt ?? undefined}>
              {shortRelative(row.lastMessageAt, now.value)}
            </time>
          </span>
          <span class="conv-bottom">
            <span class="conv-preview">{row.lastMessagePreview || t('inbox.noMessages')}</span>
            {unread > 0 && (
              <span class="badge" data-testid="unread">
                <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                <span class="sr-only">{unread === 1 ? t('inbox.unreadOne') : t('inbox.unread', { n: unread })}</span>
              </span>
            )}
          </span>
          <span class="conv-tags">
            {row.contact.name && row.contact.phone && <span class="conv-phone">{formatPhone(row.contact.phone)}</span>}
            {row.status !== 'open' && <span class={`chip chip-${row.status}`}>{t(`status.${row.status}`)}</span>}
            {assignee && <span class="chip">{assignee}</span>}
            {dept && (
              <span class="conv-dept" data-testid="conv-department">
                <span class="dept-dot" style={{ background: dept.color }} aria-hidden="true" />
                {dept.name}
              </span>
            )}
            {row.botActive && <span class="conv-flag">{t('conv.bot')}</span>}
            {row.outOfHoursAt && <span class="conv-flag" data-testid="conv-out-of-hours">{t('conv.outOfHours')}</span>}
            {row.labels?.map((l) => <LabelChip key={l.id} label={l} />)}
          </span>
        </span>
      </a>
    </li>
  );
}
