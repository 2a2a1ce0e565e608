// Settings → Campos personalizados: the contact fields the organisation keeps beyond name and phone (CPF, Cidade,
// Data de nascimento…). Create (the key follows the name), rename, edit a list's options, delete (with confirmation:
// every contact's value goes with it). The contact page and the inbox's contact pane show and edit the values.
import { useEffect, useRef, useState } from 'preact/hooks';
import { patch, post } from '../../api/client';
import type { AttributeDefinition } from '../../api/types';
import { t } from '../../i18n';
import { attributeDefs, loadAttributeDefs } from '../../state/catalog';
import { describedBy, Field, fieldErrors, Heading, Notice, SaveCancel, useEditableList, focusFirst, type FieldErrors } from './common';

const TYPES = ['text', 'number', 'date', 'boolean', 'list'] as const;
type AttributeType = (typeof TYPES)[number];
const FIELDS = ['label', 'key', 'type', 'options', 'description'] as const;
type Errors = FieldErrors<(typeof FIELDS)[number]>;
const CODE_FIELDS = { attribute_exists: 'key' } as const;

/** "Data de nascimento" → "data_de_nascimento": what the API takes as a key. */
export const keyOf = (label: string) =>
  label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40);

const optionsOf = (text: string) => [...new Set(text.split('\n').map((o) => o.trim()).filter(Boolean))];

export function CustomFields() {
  const list = attributeDefs.value;
  const ed = useEditableList<AttributeDefinition>(() => loadAttributeDefs(true));
  useEffect(() => {
    void loadAttributeDefs(true);
  }, []);
  const remove = (a: AttributeDefinition) => ed.remove(t('fields.deleteConfirm', { name: a.label }), `/api/v1/contact-attributes/${a.id}`, t('fields.deleted', { name: a.label }));

  return (
    <div class="stack">
      <Heading intro={t('fields.intro')}>{t('fields.title')}</Heading>
      <Notice error={ed.error} ok={ed.ok} />
      {ed.editing === 'new' ? (
        <FieldForm onDone={ed.saved} onCancel={ed.close} />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="field-new">
            {t('fields.new')}
          </button>
        </div>
      )}
      {list === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('fields.none')}</p>
      ) : (
        <ul class="item-list" data-testid="field-list">
          {list.map((a) =>
            ed.isEditing(a) ? (
              <li key={a.id} class="card">
                <FieldForm initial={a} onDone={ed.saved} onCancel={ed.close} />
              </li>
            ) : (
              <li key={a.id} class="card item" data-key={a.key}>
                <div class="item-main">
                  <p class="item-title">
                    <strong>{a.label}</strong> <span class="chip">{t(`fields.type.${a.type}`)}</span>
                  </p>
                  <p class="muted small">
                    <code>{a.key}</code>
                    {a.type === 'list' && a.options.length > 0 && ` · ${a.options.join(', ')}`}
                  </p>
                  {a.description && <p class="item-body">{a.description}</p>}
                </div>
                <div class="item-actions">
                  <button type="button" class="btn btn-small" onClick={() => ed.open(a)} aria-label={t('fields.editOne', { name: a.label })}>
                    {t('action.edit')}
                  </button>
                  <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(a)} aria-label={t('fields.deleteOne', { name: a.label })}>
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

function FieldForm({ initial, onDone, onCancel }: { initial?: AttributeDefinition; onDone(message: string): void; onCancel(): void }) {
  const [label, setLabel] = useState(initial?.label ?? '');
  const [key, setKey] = useState(initial?.key ?? '');
  const [keyEdited, setKeyEdited] = useState(Boolean(initial));
  const [type, setType] = useState<AttributeType>((initial?.type as AttributeType) ?? 'text');
  const [options, setOptions] = useState((initial?.options ?? []).join('\n'));
  const [description, setDescription] = useState(initial?.description ?? '');
  const [errors, setErrors] = useState<Errors>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const idp = initial ? `field-${initial.id}` : 'field-new';
  const shownKey = keyEdited ? key : keyOf(label);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({ form: null, fields: {} });
    try {
      const common = { label: label.trim(), description: description.trim() || null, ...(type === 'list' ? { options: optionsOf(options) } : {}) };
      if (initial) await patch(`/api/v1/contact-attributes/${initial.id}`, common);
      else await post('/api/v1/contact-attributes', { ...common, key: shownKey, type });
      onDone(t(initial ? 'fields.updated' : 'fields.created', { name: label.trim() }));
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, CODE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="field-form" aria-labelledby={`${idp}-title`}>
      <h3 id={`${idp}-title`}>{initial ? t('fields.editOne', { name: initial.label }) : t('fields.new')}</h3>
      <Field id={`${idp}-label`} label={t('fields.label')} error={errors.fields.label}>
        <input ref={first} id={`${idp}-label`} required maxLength={80} value={label} onInput={(e) => setLabel(e.currentTarget.value)} {...describedBy(`${idp}-label`, false, errors.fields.label)} data-testid="field-label" />
      </Field>
      {!initial && (
        <>
          <Field id={`${idp}-key`} label={t('fields.key')} hint={t('fields.keyHint')} error={errors.fields.key}>
            <input
              id={`${idp}-key`}
              required
              pattern="[a-z][a-z0-9_]{0,39}"
              maxLength={40}
              value={shownKey}
              onInput={(e) => (setKeyEdited(true), setKey(e.currentTarget.value))}
              {...describedBy(`${idp}-key`, true, errors.fields.key)}
              data-testid="field-key"
            />
          </Field>
          <Field id={`${idp}-type`} label={t('fields.typeLabel')} error={errors.fields.type}>
            <select id={`${idp}-type`} value={type} onChange={(e) => setType(e.currentTarget.value as AttributeType)} data-testid="field-type">
              {TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`fields.type.${x}`)}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      {type === 'list' && (
        <Field id={`${idp}-options`} label={t('fields.options')} hint={t('fields.optionsHint')} error={errors.fields.options}>
          <textarea id={`${idp}-options`} rows={4} required value={options} onInput={(e) => setOptions(e.currentTarget.value)} {...describedBy(`${idp}-options`, true, errors.fields.options)} data-testid="field-options" />
        </Field>
      )}
      <Field id={`${idp}-description`} label={`${t('fields.description')} ${t('common.optional')}`} error={errors.fields.description}>
        <input id={`${idp}-description`} maxLength={300} value={description} onInput={(e) => setDescription(e.currentTarget.value)} {...describedBy(`${idp}-description`, false, errors.fields.description)} />
      </Field>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="field-save" />
    </form>
  );
}
