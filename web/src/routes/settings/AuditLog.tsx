import { useEffect, useState } from 'preact/hooks';
import { get } from '../../api/client';
import type { AuditEntry, Member, Page } from '../../api/types';
import { errorText, t, type MessageKey } from '../../i18n';
import { dateTime } from '../../lib/format';
import { Heading, Notice } from './common';

const FAMILIES = ['auth', 'member', 'channel', 'template', 'organization', 'conversation'] as const;
const PAGE = 30;

interface Filters {
  action: string;
  actorId: string;
  from: string;
  to: string;
}
const NONE: Filters = { action: '', actorId: '', from: '', to: '' };

/** A <input type="date"> value as the start (or end) of that day in local time, ISO. */
function dayBound(value: string, end: boolean): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [people, setPeople] = useState<Member[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPage = async (f: Filters, after: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const r = await get<Page<AuditEntry>>('/api/v1/audit-logs', {
        action: f.action || undefined,
        actorId: f.actorId || undefined,
        from: dayBound(f.from, false),
        to: dayBound(f.to, true),
        cursor: after ?? undefined,
        limit: PAGE,
      });
      setEntries((prev) => (after && prev ? [...prev, ...r.data] : r.data));
      setCursor(r.nextCursor);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void fetchPage(NONE, null);
    get<Page<Member>>('/api/v1/members').then((r) => setPeople(r.data), () => {});
  }, []);

  const apply = (e: Event) => {
    e.preventDefault();
    setApplied(filters);
    void fetchPage(filters, null);
  };
  const clear = () => {
    setFilters(NONE);
    setApplied(NONE);
    void fetchPage(NONE, null);
  };

  return (
    <div class="stack">
      <Heading>{t('audit.title')}</Heading>
      <form class="filters" onSubmit={apply} data-testid="audit-filters">
        <label class="field">
          <span>{t('audit.filterAction')}</span>
          <select value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.currentTarget.value })} data-testid="audit-action">
            <option value="">{t('audit.anyAction')}</option>
            {FAMILIES.map((f) => (
              <option key={f} value={`${f}.`}>
                {t(`audit.family.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('audit.filterActor')}</span>
          <select value={filters.actorId} onChange={(e) => setFilters({ ...filters, actorId: e.currentTarget.value })}>
            <option value="">{t('audit.anyActor')}</option>
            {people.map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.name ?? p.email}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('audit.filterFrom')}</span>
          <input type="date" value={filters.from} onInput={(e) => setFilters({ ...filters, from: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>{t('audit.filterTo')}</span>
          <input type="date" value={filters.to} onInput={(e) => setFilters({ ...filters, to: e.currentTarget.value })} />
        </label>
        <div class="filters-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('audit.apply')}
          </button>
          {JSON.stringify(applied) !== JSON.stringify(NONE) && (
            <button type="button" class="btn btn-ghost" onClick={clear}>
              {t('audit.clear')}
            </button>
          )}
        </div>
      </form>
      <Notice error={error} />
      {entries === null ? (
        !error && <p aria-busy="true">{t('common.loading')}</p>
      ) : entries.length === 0 ? (
        <p class="muted">{t('audit.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table-audit" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td class="nowrap">
                    <time dateTime={e.createdAt}>{dateTime(e.createdAt)}</time>
                  </td>
                  <td>
                    {e.actorEmail ?? (e.actorType === 'user' ? '—' : t('audit.system'))}
                    {e.ip && <span class="muted small block">{e.ip}</span>}
                  </td>
                  <td>
                    {actionText(e.action)}
                    <code class="muted small block">{e.action}</code>
                  </td>
                  <td class="small">{e.targetType ? `${e.targetType}${e.targetId ? ` ${e.targetId.slice(0, 8)}…` : ''}` : '—'}</td>
                  <td class="small cell-wrap">
                    {Object.keys(e.metadata ?? {}).length ? (
                      <dl class="audit-meta" data-testid="audit-meta">
                        {Object.entries(e.metadata ?? {}).map(([k, v]) => (
                          <div key={k}>
                            <dt>{k}</dt>
                            <dd>{detailText(v)}</dd>
                          </div>
                        ))}
                      </dl>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" class="btn btn-block" onClick={() => void fetchPage(applied, cursor)} disabled={busy} data-testid="audit-more">
          {busy ? t('common.loading') : t('common.loadMore')}
        </button>
      )}
    </div>
  );
}

/** The action in words ("Criou uma etiqueta"); an action this screen does not know yet shows its code. */
function actionText(action: string): string {
  const key = `audit.act.${action}`;
  const text = t(key as MessageKey);
  return text === key ? action : text;
}

/** A detail value as text: lists joined, yes/no, nested objects as "key: value" pairs. */
function detailText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.map(detailText).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${detailText(x)}`).join('; ');
  return String(v);
}
