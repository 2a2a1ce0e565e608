// The contact's labels: remove one with its ×, add one of the organisation's labels from the list.
import { useState } from 'preact/hooks';
import { addContactLabels, removeContactLabel, type Contact } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { orgLabels as labels } from '../../state/catalog';
import { LabelChips } from './parts';

export function LabelsBox({ contactId, current, onChange }: { contactId: string; current: Contact['labels']; onChange: (l: Contact['labels']) => void }) {
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const available = (labels.value ?? []).filter((l) => !current.some((c) => c.id === l.id));

  const add = async (e: Event) => {
    e.preventDefault();
    if (!pick) return;
    setError(null);
    try {
      const { data } = await addContactLabels(contactId, [pick]);
      onChange(data);
      setPick('');
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (labelId: string) => {
    setError(null);
    try {
      await removeContactLabel(contactId, labelId);
      onChange(current.filter((l) => l.id !== labelId));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack crm-labels-box" data-testid="contact-labels">
      <LabelChips labels={current} onRemove={(id) => void remove(id)} />
      {labels.value && labels.value.length === 0 ? (
        <p class="muted small">{t('crm.noOrgLabels')}</p>
      ) : (
        <form class="crm-inline-form" onSubmit={(e) => void add(e)}>
          <label class="field grow">
            <span>{t('crm.addLabel')}</span>
            <select value={pick} onChange={(e) => setPick(e.currentTarget.value)} data-testid="label-select">
              <option value="">{t('crm.chooseLabel')}</option>
              {available.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn" disabled={!pick} data-testid="label-add">
            {t('crm.add')}
          </button>
        </form>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
