// Settings → Chaves de API: create a key (shown once, with a copy button), list keys with their scopes, creator, last
// use and expiry, revoke. The server decides what each scope allows (worker/auth/policy.ts SCOPE_OF).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../../api/client';
import type { ApiKeyInfo, ApiKeyScope } from '../../api/types';
import { t } from '../../i18n';
import { dateTime } from '../../lib/format';
import { CopyField, describedBy, Field, fieldErrors, focusFirst, Heading, Notice, SaveCancel, useEditableList, type FieldErrors } from './common';

const SCOPES: readonly ApiKeyScope[] = ['read', 'write', 'send', 'admin'];
const FIELDS = ['name', 'scopes', 'expiresAt'] as const;

export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKeyInfo[] | null>(null);
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const load = async () => setKeys((await get<{ data: ApiKeyInfo[] }>('/api/v1/api-keys')).data);
  const ed = useEditableList<ApiKeyInfo>(load);
  useEffect(() => {
    load().catch((err) => ed.setError(String(err)));
  }, []);
  const revoke = (k: ApiKeyInfo) => ed.remove(t('apiKeys.revokeConfirm', { name: k.name }), `/api/v1/api-keys/${k.id}`, t('apiKeys.revoked', { name: k.name }));

  return (
    <div class="stack">
      <Heading intro={t('apiKeys.intro')}>{t('apiKeys.title')}</Heading>
      <Notice error={ed.error} ok={shown ? null : ed.ok} />
      {shown && (
        <div class="card stack" data-testid="api-key-created">
          <p class="alert alert-success" role="status">
            {t('apiKeys.created', { name: shown.name })}
          </p>
          <CopyField label={t('apiKeys.theKey')} value={shown.key} testId="api-key-value" />
          <div>
            <button type="button" class="btn" onClick={() => setShown(null)}>
              {t('apiKeys.done')}
            </button>
          </div>
        </div>
      )}
      {ed.editing === 'new' ? (
        <ApiKeyForm
          onCancel={ed.close}
          onCreated={async (name, key) => {
            await ed.saved('');
            setShown({ name, key });
          }}
        />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="api-key-new">
            {t('apiKeys.new')}
          </button>
        </div>
      )}
      {keys === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : keys.length === 0 ? (
        <p class="muted">{t('apiKeys.none')}</p>
      ) : (
        <ul class="item-list" data-testid="api-key-list">
          {keys.map((k) => {
            const expired = k.expiresAt !== null && Date.parse(k.expiresAt) <= Date.now();
            return (
              <li key={k.id} class="card item" data-name={k.name}>
                <div class="item-main">
                  <p class="item-title">
                    {k.name} <code>{k.prefix}…</code>{' '}
                    {k.revokedAt ? <span class="badge">{t('apiKeys.revokedBadge')}</span> : expired && <span class="badge">{t('apiKeys.expiredBadge')}</span>}
                  </p>
                  <p class="item-body">
                    {t('apiKeys.scopes')}: {k.scopes.join(', ')} · {t('apiKeys.lastUsed')}:{' '}
                    {k.lastUsedAt ? <time dateTime={k.lastUsedAt}>{dateTime(k.lastUsedAt)}</time> : t('apiKeys.neverUsed')} · {t('apiKeys.expiresAt')}:{' '}
                    {k.expiresAt ? <time dateTime={k.expiresAt}>{dateTime(k.expiresAt)}</time> : t('apiKeys.never')}
                  </p>
                  <p class="muted">{t('apiKeys.createdBy', { name: k.createdBy?.name ?? '—', date: dateTime(k.createdAt) })}</p>
                </div>
                {!k.revokedAt && (
                  <div class="item-actions">
                    <button type="button" class="btn btn-small btn-danger" onClick={() => void revoke(k)} aria-label={t('apiKeys.revokeOne', { name: k.name })}>
                      {t('apiKeys.revoke')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function ApiKeyForm({ onCreated, onCancel }: { onCreated(name: string, key: string): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['read']);
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<FieldErrors<(typeof FIELDS)[number]>>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const toggle = (s: ApiKeyScope, on: boolean) => setScopes((cur) => (on ? [...cur, s] : cur.filter((x) => x !== s)));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (scopes.length === 0) return setErrors({ form: null, fields: { scopes: t('apiKeys.pickScope') } });
    setBusy(true);
    setErrors({ form: null, fields: {} });
    try {
      // A date picked means "through the end of that day", in the person's time zone.
      const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : null;
      const res = await post<{ key: string }>('/api/v1/api-keys', { name, scopes, expiresAt });
      onCreated(name.trim(), res.key);
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="api-key-form" aria-labelledby="api-key-new-title">
      <h3 id="api-key-new-title">{t('apiKeys.new')}</h3>
      <Field id="api-key-name" label={t('apiKeys.name')} error={errors.fields.name}>
        <input
          ref={first}
          id="api-key-name"
          required
          maxLength={100}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          {...describedBy('api-key-name', false, errors.fields.name)}
          data-testid="api-key-name"
        />
      </Field>
      <fieldset class="fieldset" aria-describedby={errors.fields.scopes ? 'api-key-scopes-error' : undefined}>
        <legend>{t('apiKeys.scopes')}</legend>
        {SCOPES.map((s) => (
          <label key={s} class="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.currentTarget.checked)} data-testid={`api-key-scope-${s}`} />{' '}
            {t(`apiKeys.scope.${s}`)}
          </label>
        ))}
        {errors.fields.scopes && (
          <p id="api-key-scopes-error" class="field-error" role="alert">
            {errors.fields.scopes}
          </p>
        )}
      </fieldset>
      <Field id="api-key-expires" label={`${t('apiKeys.expiresAt')} ${t('common.optional')}`} error={errors.fields.expiresAt}>
        <input
          id="api-key-expires"
          type="date"
          min={new Date().toISOString().slice(0, 10)}
          value={expiresOn}
          onInput={(e) => setExpiresOn(e.currentTarget.value)}
          {...describedBy('api-key-expires', false, errors.fields.expiresAt)}
          data-testid="api-key-expires"
        />
      </Field>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="api-key-save" />
    </form>
  );
}
