// Settings → Respostas prontas: the saved replies agents insert with "/shortcut". List, create, edit, delete (with
// confirmation); the API's validation errors show next to their fields; the variables the composer fills in are
// listed and insertable.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, patch, post } from '../../api/client';
import type { CannedResponse, CannedResponseBody, Page } from '../../api/types';
import type { CANNED_VARIABLES } from '../../../../worker/domain/canned-variables';
import { errorText, t } from '../../i18n';
import { attributeDefs, loadAttributeDefs } from '../../state/catalog';
import { forgetCanned } from '../../state/content';
import { describedBy, Field, fieldErrors, Heading, Notice, type FieldErrors, SaveCancel, useEditableList, focusFirst } from './common';

// The server's list (worker/domain/canned-responses.ts); the type check below fails if the two drift apart.
const VARIABLES = ['contact.name', 'contact.first_name', 'contact.phone', 'contact.email', 'agent.name', 'agent.first_name', 'organization.name'] as const;
type ServerVariable = (typeof CANNED_VARIABLES)[number];
const _sameVariables: [Exclude<ServerVariable, (typeof VARIABLES)[number]>, Exclude<(typeof VARIABLES)[number], ServerVariable>] extends [never, never] ? true : false = true;
void _sameVariables;

const FIELDS = ['shortcut', 'title', 'body'] as const;
type Errors = FieldErrors<(typeof FIELDS)[number]>;
const CODE_FIELDS = { shortcut_taken: 'shortcut', unknown_variable: 'body' } as const;

export function CannedResponses() {
  const [list, setList] = useState<CannedResponse[] | null>(null);
  const load = async () => {
    try {
      setList((await get<Page<CannedResponse>>('/api/v1/canned-responses')).data);
    } catch (err) {
      ed.setError(errorText(err));
    }
  };
  const ed = useEditableList<CannedResponse>(async () => {
    forgetCanned();
    await load();
  });
  useEffect(() => {
    void load();
    void loadAttributeDefs();
  }, []);
  const remove = (r: CannedResponse) =>
    ed.remove(t('canned.deleteConfirm', { shortcut: r.shortcut }), `/api/v1/canned-responses/${r.id}`, t('canned.deleted', { shortcut: r.shortcut }));

  return (
    <div class="stack">
      <Heading intro={t('canned.intro')}>{t('canned.title')}</Heading>
      <Notice error={ed.error} ok={ed.ok} />
      {ed.editing === 'new' ? (
        <CannedForm onDone={ed.saved} onCancel={ed.close} />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="canned-new">
            {t('canned.new')}
          </button>
        </div>
      )}
      {list === null ? (
        !ed.error && <p aria-busy="true">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('canned.none')}</p>
      ) : (
        <ul class="item-list" data-testid="canned-list">
          {list.map((r) =>
            ed.isEditing(r) ? (
              <li key={r.id} class="card">
                <CannedForm initial={r} onDone={ed.saved} onCancel={ed.close} />
              </li>
            ) : (
              <li key={r.id} class="card item" data-shortcut={r.shortcut}>
                <div class="item-main">
                  <p class="item-title">
                    <code>/{r.shortcut}</code> <strong>{r.title}</strong>
                  </p>
                  <p class="item-body">{r.body}</p>
                  {r.variables && r.variables.length > 0 && (
                    <p class="item-vars">
                      <span class="muted">{t('canned.uses')}</span>{' '}
                      {r.variables.map((v) => (
                        <code key={v} class="var-chip">{`{{${v}}}`}</code>
                      ))}
                    </p>
                  )}
                </div>
                <div class="item-actions">
                  <button type="button" class="btn btn-small" onClick={() => ed.open(r)} aria-label={t('canned.editOne', { shortcut: r.shortcut })}>
                    {t('action.edit')}
                  </button>
                  <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(r)} aria-label={t('canned.deleteOne', { shortcut: r.shortcut })}>
                    {t('action.delete')}
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}

function CannedForm({ initial, onDone, onCancel }: { initial?: CannedResponse; onDone(message: string): void; onCancel(): void }) {
  const [shortcut, setShortcut] = useState(initial?.shortcut ?? '');
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [errors, setErrors] = useState<Errors>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const idp = initial ? `canned-${initial.id}` : 'canned-new';
  const variables = [...VARIABLES, ...(attributeDefs.value ?? []).map((d) => `contact.attributes.${d.key}`)];

  const insert = (v: string) => {
    const el = bodyRef.current;
    const token = `{{${v}}}`;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({ form: null, fields: {} });
    const payload: CannedResponseBody = { shortcut: shortcut.trim().replace(/^\//, ''), title, body };
    try {
      if (initial) await patch(`/api/v1/canned-responses/${initial.id}`, payload);
      else await post('/api/v1/canned-responses', payload);
      onDone(t(initial ? 'canned.updated' : 'canned.created', { shortcut: payload.shortcut }));
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, CODE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="canned-form" aria-labelledby={`${idp}-title`}>
      <h3 id={`${idp}-title`}>{initial ? t('canned.editOne', { shortcut: initial.shortcut }) : t('canned.new')}</h3>
      <div class="field-row">
        <Field id={`${idp}-shortcut`} label={t('canned.shortcut')} hint={t('canned.shortcutHint')} error={errors.fields.shortcut}>
          <div class="prefixed">
            <span aria-hidden="true">/</span>
            <input
              ref={first}
              id={`${idp}-shortcut`}
              required
              maxLength={32}
              pattern="/?[a-zA-Z0-9][a-zA-Z0-9_\-]{0,31}"
              value={shortcut}
              onInput={(e) => setShortcut(e.currentTarget.value)}
              autoComplete="off"
              {...describedBy(`${idp}-shortcut`, true, errors.fields.shortcut)}
              data-testid="canned-shortcut"
            />
          </div>
        </Field>
        <Field id={`${idp}-title-input`} label={t('canned.titleField')} error={errors.fields.title}>
          <input
            id={`${idp}-title-input`}
            required
            maxLength={100}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
            {...describedBy(`${idp}-title-input`, false, errors.fields.title)}
            data-testid="canned-title"
          />
        </Field>
      </div>
      <Field id={`${idp}-body`} label={t('canned.body')} hint={t('canned.bodyHint')} error={errors.fields.body}>
        <textarea
          ref={bodyRef}
          id={`${idp}-body`}
          required
          rows={4}
          maxLength={4096}
          value={body}
          onInput={(e) => setBody(e.currentTarget.value)}
          {...describedBy(`${idp}-body`, true, errors.fields.body)}
          data-testid="canned-body"
        />
      </Field>
      <div class="var-list" role="group" aria-label={t('canned.variables')}>
        <span class="muted">{t('canned.variables')}:</span>
        {variables.map((v) => (
          <button key={v} type="button" class="btn btn-small btn-ghost var-chip" onClick={() => insert(v)} title={t('canned.insert', { v: `{{${v}}}` })}>
            {`{{${v}}}`}
          </button>
        ))}
      </div>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="canned-save" />
    </form>
  );
}
