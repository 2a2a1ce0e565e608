// /contacts: search (name or phone), label filter, pages with "load more", new contact, CSV import and export.
import '../../i18n/messages/crm';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { createContact } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { contactName, formatPhone, initials } from '../../lib/format';
import {
  contactAttrKey,
  contactAttrValue,
  contactLabel,
  contactQuery,
  contacts,
  contactsCursor,
  contactsError,
  contactsStatus,
  loadContacts,
  loadMoreContacts,
} from '../../state/contacts';
import { attributeDefs, loadAttributeDefs, loadLabels, orgLabels as labels } from '../../state/catalog';
import { isStaff } from '../../state/session';
import { CsvTools, ImportOutcome, type CsvOutcome } from './CsvTools';
import { contactsNotice } from './notice';
import { FieldError, LabelChips } from './parts';
import '../crm.css';

export function Contacts() {
  const [creating, setCreating] = useState(false);
  const [outcome, setOutcome] = useState<CsvOutcome | null>(null);
  useEffect(() => {
    document.title = `${t('crm.contacts')} · ${t('app.name')}`;
  });
  useEffect(() => {
    void loadContacts();
    void loadLabels(true);
    void loadAttributeDefs(true);
    // Shown on this visit only.
    return () => (contactsNotice.value = null);
  }, []);

  // Typing searches after a short pause; the label filter at once.
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const onFilter = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void loadContacts(), 250);
  };
  const onQuery = (value: string) => {
    contactQuery.value = value;
    onFilter();
  };

  const status = contactsStatus.value;
  const list = contacts.value;
  return (
    <div class="crm-page" data-testid="contacts-page">
      <header class="crm-head">
        <h1>{t('crm.contacts')}</h1>
        <div class="button-row">
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-contact">
            {t('crm.newContact')}
          </button>
          {isStaff.value && <CsvTools onImported={() => void loadContacts()} onOutcome={setOutcome} />}
        </div>
      </header>
      {contactsNotice.value && (
        <div class="alert alert-success crm-notice" role="status" data-testid="contacts-notice">
          <span>{contactsNotice.value}</span>
          <button type="button" class="btn btn-small" onClick={() => (contactsNotice.value = null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {outcome && <ImportOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      <div class="filters" role="search">
        <label class="field">
          <span>{t('crm.search')}</span>
          <input type="search" value={contactQuery.value} onInput={(e) => onQuery(e.currentTarget.value)} placeholder={t('crm.searchHint')} data-testid="contact-search" />
        </label>
        <label class="field">
          <span>{t('crm.label')}</span>
          <select
            value={contactLabel.value}
            onChange={(e) => {
              contactLabel.value = e.currentTarget.value;
              void loadContacts();
            }}
            data-testid="contact-label-filter"
          >
            <option value="">{t('crm.allLabels')}</option>
            {(labels.value ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {(attributeDefs.value ?? []).length > 0 && <AttributeFilter onChange={() => onFilter()} />}
      </div>
      {status === 'error' && (
        <p class="alert alert-error" role="alert">
          {errorText(contactsError.value)}
        </p>
      )}
      <div class="table-wrap" aria-busy={status === 'loading'}>
        <table class="table crm-table">
          <caption class="sr-only">{t('crm.contacts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('crm.name')}</th>
              <th scope="col">{t('crm.phone')}</th>
              <th scope="col" class="crm-hide-sm">
                {t('crm.email')}
              </th>
              <th scope="col" class="crm-hide-sm">
                {t('crm.labels')}
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id} data-testid="contact-row">
                <td>
                  <a class="crm-person" href={`/contacts/${c.id}`}>
                    <span class="avatar avatar-sm" aria-hidden="true">
                      {initials(contactName(c))}
                    </span>
                    <span>{contactName(c)}</span>
                  </a>
                </td>
                <td class="nowrap">{formatPhone(c.phone) || '—'}</td>
                <td class="crm-hide-sm">{c.email ?? '—'}</td>
                <td class="crm-hide-sm">
                  <LabelChips labels={c.labels} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {status === 'loading' && list.length === 0 && <p class="crm-empty">{t('common.loading')}</p>}
        {status === 'ready' && list.length === 0 && <p class="crm-empty">{t('crm.noContacts')}</p>}
      </div>
      {contactsCursor.value && (
        <div class="crm-more">
          <button type="button" class="btn" disabled={status === 'more'} onClick={() => void loadMoreContacts()} data-testid="contacts-more">
            {status === 'more' ? t('common.loading') : t('common.loadMore')}
          </button>
        </div>
      )}
      {creating && <NewContactDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

/** Filter by one custom attribute: pick it, then its value (a select for lists and yes/no). */
function AttributeFilter({ onChange }: { onChange: () => void }) {
  const defs = attributeDefs.value ?? [];
  const def = defs.find((d) => d.key === contactAttrKey.value);
  const set = (key: string, value: string) => {
    contactAttrKey.value = key;
    contactAttrValue.value = value;
    onChange();
  };
  return (
    <>
      <label class="field">
        <span>{t('crm.attribute')}</span>
        <select value={contactAttrKey.value} onChange={(e) => set(e.currentTarget.value, '')} data-testid="contact-attr-filter">
          <option value="">{t('crm.anyAttribute')}</option>
          {defs.map((d) => (
            <option key={d.key} value={d.key}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {def && (
        <label class="field">
          <span>{t('crm.attributeValue', { name: def.label })}</span>
          {def.type === 'list' || def.type === 'boolean' ? (
            <select value={contactAttrValue.value} onChange={(e) => set(def.key, e.currentTarget.value)} data-testid="contact-attr-value">
              <option value="">—</option>
              {(def.type === 'list' ? def.options.map((o) => [o, o]) : [['true', t('common.yes')], ['false', t('common.no')]]).map(([v, text]) => (
                <option key={v} value={v}>
                  {text}
                </option>
              ))}
            </select>
          ) : (
            <input
              type={def.type === 'date' ? 'date' : def.type === 'number' ? 'number' : 'text'}
              value={contactAttrValue.value}
              onInput={(e) => set(def.key, e.currentTarget.value)}
              data-testid="contact-attr-value"
            />
          )}
        </label>
      )}
    </>
  );
}

function NewContactDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { route } = useLocation();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: 'phone' | 'form'; text: string } | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { contact } = await createContact({ name: name.trim(), phone: phone.trim() || undefined, email: email.trim() || undefined });
      onClose();
      route(`/contacts/${contact.id}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      setError({ field: code === 'invalid_phone' || code === 'contact_exists' ? 'phone' : 'form', text: errorText(err) });
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="crm-dialog" aria-labelledby="new-contact-title" onClose={onClose}>
      <form class="form" onSubmit={(e) => void submit(e)}>
        <h2 id="new-contact-title">{t('crm.newContact')}</h2>
        <label class="field">
          <span>{t('crm.name')}</span>
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="new-contact-name" />
        </label>
        <div class="field">
          <label for="new-contact-phone" class="crm-label-text">{t('crm.phone')}</label>
          <input
            id="new-contact-phone"
            type="tel"
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
            placeholder="+55 11 98765-4321"
            aria-invalid={error?.field === 'phone'}
            aria-describedby="new-contact-phone-error"
            data-testid="new-contact-phone"
          />
          <FieldError id="new-contact-phone-error" text={error?.field === 'phone' ? error.text : null} />
        </div>
        <label class="field">
          <span>{t('crm.email')}</span>
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        {error?.field === 'form' && (
          <p class="alert alert-error" role="alert">
            {error.text}
          </p>
        )}
        <div class="button-row crm-dialog-actions">
          <button type="button" class="btn" onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('crm.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
