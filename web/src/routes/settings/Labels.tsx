// Settings → Etiquetas: the organisation's labels for contacts and conversations. List, create, edit, delete (with
// confirmation; taggings go with the label); a colour from a few presets that keep text readable, and a description.
import { useEffect, useRef, useState } from 'preact/hooks';
import { patch, post } from '../../api/client';
import type { Label, LabelBody } from '../../api/types';
import { LabelChip } from '../../components/Labels';
import { t, type MessageKey } from '../../i18n';
import { loadLabels, orgLabels } from '../../state/catalog';
import { describedBy, Field, fieldErrors, Heading, Notice, type FieldErrors, SaveCancel, useEditableList, focusFirst } from './common';

/** Preset colours: each a visible dot on white (3:1 or more), named for people who cannot tell them apart. */
export const LABEL_COLORS: readonly { hex: string; name: MessageKey }[] = [
  { hex: '#15803d', name: 'labels.color.green' },
  { hex: '#1d4ed8', name: 'labels.color.blue' },
  { hex: '#7e22ce', name: 'labels.color.purple' },
  { hex: '#be185d', name: 'labels.color.pink' },
  { hex: '#b91c1c', name: 'labels.color.red' },
  { hex: '#c2410c', name: 'labels.color.orange' },
  { hex: '#a16207', name: 'labels.color.yellow' },
  { hex: '#475569', name: 'labels.color.gray' },
];

const FIELDS = ['name', 'color', 'description'] as const;
type Errors = FieldErrors<(typeof FIELDS)[number]>;
const CODE_FIELDS = { label_exists: 'name' } as const;

export function Labels() {
  const list = orgLabels.value;
  const ed = useEditableList<Label>(() => loadLabels(true));
  useEffect(() => {
    void loadLabels(true);
  }, []);
  const remove = (l: Label) => ed.remove(t('labels.deleteConfirm', { name: l.name }), `/api/v1/labels/${l.id}`, t('labels.deleted', { name: l.name }));

  return (
    <div class="stack">
      <Heading intro={t('labels.intro')}>{t('labels.title')}</Heading>
      <Notice error={ed.error} ok={ed.ok} />
      {ed.editing === 'new' ? (
        <LabelForm onDone={ed.saved} onCancel={ed.close} />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="label-new">
            {t('labels.new')}
          </button>
        </div>
      )}
      {list === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('labels.none')}</p>
      ) : (
        <ul class="item-list" data-testid="label-list">
          {list.map((l) =>
            ed.isEditing(l) ? (
              <li key={l.id} class="card">
                <LabelForm initial={l} onDone={ed.saved} onCancel={ed.close} />
              </li>
            ) : (
              <li key={l.id} class="card item" data-name={l.name}>
                <div class="item-main">
                  <p class="item-title">
                    <LabelChip label={l} />
                  </p>
                  {l.description && <p class="item-body">{l.description}</p>}
                </div>
                <div class="item-actions">
                  <button type="button" class="btn btn-small" onClick={() => ed.open(l)} aria-label={t('labels.editOne', { name: l.name })}>
                    {t('action.edit')}
                  </button>
                  <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(l)} aria-label={t('labels.deleteOne', { name: l.name })}>
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

function LabelForm({ initial, onDone, onCancel }: { initial?: Label; onDone(message: string): void; onCancel(): void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [color, setColor] = useState(initial?.color ?? LABEL_COLORS[0]!.hex);
  const [description, setDescription] = useState(initial?.description ?? '');
  const [errors, setErrors] = useState<Errors>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const idp = initial ? `label-${initial.id}` : 'label-new';

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({ form: null, fields: {} });
    const payload: LabelBody = { name, color, description: description.trim() || null };
    try {
      if (initial) await patch(`/api/v1/labels/${initial.id}`, payload);
      else await post('/api/v1/labels', payload);
      onDone(t(initial ? 'labels.updated' : 'labels.created', { name: name.trim() }));
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, CODE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="label-form" aria-labelledby={`${idp}-title`}>
      <h3 id={`${idp}-title`}>{initial ? t('labels.editOne', { name: initial.name }) : t('labels.new')}</h3>
      <Field id={`${idp}-name`} label={t('labels.name')} error={errors.fields.name}>
        <input
          ref={first}
          id={`${idp}-name`}
          required
          maxLength={50}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          {...describedBy(`${idp}-name`, false, errors.fields.name)}
          data-testid="label-name"
        />
      </Field>
      <ColorSwatches name={`${idp}-color`} value={color} onChange={setColor} error={errors.fields.color} errorId={`${idp}-color-error`} />
      <Field id={`${idp}-description`} label={`${t('labels.description')} ${t('common.optional')}`} error={errors.fields.description}>
        <input
          id={`${idp}-description`}
          maxLength={200}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          {...describedBy(`${idp}-description`, false, errors.fields.description)}
          data-testid="label-description"
        />
      </Field>
      <p class="muted">
        {t('labels.preview')} <LabelChip label={{ id: 'preview', name: name.trim() || t('labels.name'), color }} />
      </p>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="label-save" />
    </form>
  );
}

/** The preset colours as radio swatches (labels, departments); a colour set elsewhere (any hex) stays selectable. */
export function ColorSwatches({ name, value, onChange, error, errorId }: { name: string; value: string; onChange(hex: string): void; error?: string; errorId?: string }) {
  const colors = LABEL_COLORS.some((c) => c.hex === value.toLowerCase()) ? LABEL_COLORS : [...LABEL_COLORS, { hex: value, name: 'labels.color.custom' as MessageKey }];
  return (
    <fieldset class="fieldset color-picker" aria-describedby={error ? errorId : undefined}>
      <legend>{t('labels.colorField')}</legend>
      <div class="swatches">
        {colors.map((c) => (
          <label key={c.hex} class="swatch" title={t(c.name)}>
            <input type="radio" name={name} value={c.hex} checked={value.toLowerCase() === c.hex.toLowerCase()} onChange={() => onChange(c.hex)} />
            <span class="swatch-dot" style={{ background: c.hex }} aria-hidden="true" />
            <span class="sr-only">{t(c.name)}</span>
          </label>
        ))}
      </div>
      {error && (
        <p class="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
