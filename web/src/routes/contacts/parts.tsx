// Small pieces the contact and deal screens share: a field's error line, label chips, the contact picker.
import { useEffect, useRef, useState } from 'preact/hooks';
import { listContacts, type Contact, type Label } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { contactName, formatPhone } from '../../lib/format';

/** The error under a field (tied to it with aria-describedby); empty but present so the id always resolves. */
export function FieldError({ id, text }: { id: string; text: string | null | undefined }) {
  return (
    <span id={id} class="crm-field-error" role={text ? 'alert' : undefined} data-testid={text ? `${id}` : undefined}>
      {text ?? ''}
    </span>
  );
}

export function LabelChips({ labels, onRemove }: { labels: Pick<Label, 'id' | 'name' | 'color'>[]; onRemove?: (id: string) => void }) {
  if (labels.length === 0) return onRemove ? <p class="muted small">{t('crm.noLabels')}</p> : <span class="muted">—</span>;
  return (
    <ul class="crm-chips">
      {labels.map((l) => (
        <li key={l.id} class="crm-label" style={{ '--label': l.color }} data-testid="label-chip">
          <span class="crm-label-dot" aria-hidden="true" />
          {l.name}
          {onRemove && (
            <button type="button" class="crm-chip-x" aria-label={t('crm.removeLabel', { name: l.name })} onClick={() => onRemove(l.id)}>
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Search-and-pick a contact: type a name or phone, choose from the results (buttons, so keyboard and touch work).
 * `exclude` hides one id (the contact itself when merging).
 */
export function ContactPicker({
  id,
  label,
  value,
  onChange,
  exclude,
  onTyping,
}: {
  id: string;
  label: string;
  value: Pick<Contact, 'id' | 'name'> | null;
  onChange: (c: Contact | null) => void;
  exclude?: string;
  /** What is typed in the search box and not chosen yet ('' once a contact is chosen or the box is cleared). */
  onTyping?: (text: string) => void;
}) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Contact[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (text: string) => {
    setQ(text);
    onTyping?.(text);
    clearTimeout(timer.current);
    if (!text.trim()) {
      setResults(null);
      return;
    }
    timer.current = setTimeout(() => {
      listContacts({ q: text.trim(), limit: 8 })
        .then((p) => {
          setResults(p.data.filter((c) => c.id !== exclude));
          setError(null);
        })
        .catch((err) => setError(errorText(err)));
    }, 200);
  };

  if (value) {
    return (
      <div class="field">
        <span id={`${id}-label`}>{label}</span>
        <div class="crm-picked" aria-labelledby={`${id}-label`}>
          <strong data-testid={`${id}-picked`}>{value.name ?? '—'}</strong>
          <button type="button" class="btn btn-small" onClick={() => onChange(null)}>
            {t('crm.change')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="field crm-picker">
      <label for={`${id}-input`}>
        <span class="crm-label-text">{label}</span>
      </label>
      <input id={`${id}-input`} type="search" value={q} onInput={(e) => search(e.currentTarget.value)} placeholder={t('crm.searchHint')} autocomplete="off" data-testid={`${id}-input`} />
      {error && <span class="crm-field-error">{error}</span>}
      {results && (
        <ul class="crm-results" aria-label={t('crm.results')}>
          {results.length === 0 && <li class="muted small">{t('crm.noResults')}</li>}
          {results.map((c) => (
            <li key={c.id}>
              <button type="button" class="crm-result" onClick={() => {
                onTyping?.('');
                onChange(c);
              }} data-testid={`${id}-result`}>
                <span>{contactName(c)}</span>
                <span class="muted small">{formatPhone(c.phone)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
