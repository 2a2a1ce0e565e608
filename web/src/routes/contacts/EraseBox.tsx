// LGPD erasure of the contact (admins): says what goes and what stays, and asks for the contact's name (or phone)
// to be typed before the button works, since nothing brings the data back.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { eraseContact, type Contact } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { contactsNotice } from './notice';

/** What the admin must type: the name, else the phone (or WhatsApp number) exactly as the page shows it. */
export const eraseConfirmation = (c: Contact) => c.name?.trim() || c.phone || (c.waId ? `+${c.waId}` : '') || c.profileName || c.id;

export function EraseBox({ contact }: { contact: Contact }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="stack">
      <p class="muted small">{t('crm.eraseIntro')}</p>
      <div>
        <button type="button" class="btn btn-danger" onClick={() => setOpen(true)} data-testid="erase-open">
          {t('crm.erase')}
        </button>
      </div>
      {open && <EraseDialog contact={contact} onClose={() => setOpen(false)} />}
    </div>
  );
}

function EraseDialog({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { route } = useLocation();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const expected = eraseConfirmation(contact);
  const matches = typed.trim() === expected;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      const { erased } = await eraseContact(contact.id);
      contactsNotice.value = t('crm.erased', erased);
      ref.current?.close();
      route('/contacts');
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="crm-dialog" aria-labelledby="erase-title" aria-describedby="erase-what" onClose={onClose} data-testid="erase-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <h2 id="erase-title">{t('crm.erase')}</h2>
        <div id="erase-what" class="stack">
          <p>{t('crm.eraseDeleted')}</p>
          <p>{t('crm.eraseKept')}</p>
          <p>
            <strong>{t('crm.eraseIrreversible')}</strong>
          </p>
        </div>
        <label class="field">
          <span>
            {t('crm.eraseType')}{' '}
            <strong class="crm-erase-value">{expected}</strong>
          </span>
          <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck={false} data-testid="erase-confirm-input" />
        </label>
        {error && (
          <p class="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <div class="button-row crm-dialog-actions">
          <button type="button" class="btn" onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-danger" disabled={!matches || busy} data-testid="erase-confirm">
            {busy ? t('crm.erasing') : t('crm.eraseButton')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
