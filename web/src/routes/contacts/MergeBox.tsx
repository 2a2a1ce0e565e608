// Merge another contact into this one: pick it by search, confirm (the other is deleted; its conversations, deals,
// labels and notes move here).
import { useState } from 'preact/hooks';
import { mergeContact, type Contact } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { contactName } from '../../lib/format';
import { ContactPicker } from './parts';

export function MergeBox({ contact, onMerged }: { contact: Contact; onMerged: () => void }) {
  const [other, setOther] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const merge = async () => {
    if (!other) return;
    setBusy(true);
    setError(null);
    try {
      await mergeContact(contact.id, other.id);
      setDone(t('crm.merged', { name: contactName(other) }));
      setOther(null);
      onMerged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <p class="muted small">{t('crm.mergeIntro')}</p>
      <ContactPicker
        id="merge-pick"
        label={t('crm.mergePick')}
        value={other ? { id: other.id, name: contactName(other) } : null}
        onChange={(c) => {
          setOther(c);
          setDone(null);
        }}
        exclude={contact.id}
      />
      {other && (
        <div class="alert alert-warn" role="alert">
          <p>{t('crm.mergeConfirm', { other: contactName(other), name: contactName(contact) })}</p>
          <div class="button-row crm-top-gap">
            <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void merge()} data-testid="merge-confirm">
              {t('crm.mergeButton')}
            </button>
            <button type="button" class="btn" onClick={() => setOther(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="alert alert-success" role="status">
          {done}
        </p>
      )}
    </div>
  );
}
