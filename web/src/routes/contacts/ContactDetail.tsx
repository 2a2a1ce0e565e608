// /contacts/:id: the contact's data and custom attributes (one form, saved together), labels, notes, conversation
// history, deals, merging another contact into this one, and (admins) erasing it under the LGPD.
import '../../i18n/messages/crm';
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { getContact, type ContactDetail as Detail } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { contactName, dateTime, formatPhone, initials } from '../../lib/format';
import { attributeDefs, loadAttributeDefs, loadLabels, loadPipelines, stageName } from '../../state/catalog';
import { isAdmin, isStaff } from '../../state/session';
import { formatMoney } from '../deals/money';
import { ContactForm } from './ContactForm';
import { EraseBox } from './EraseBox';
import { DataExportBox } from './DataExportBox';
import { StartConversation } from '../../components/StartConversation';
import { LabelsBox } from './LabelsBox';
import { MergeBox } from './MergeBox';
import { NotesBox } from './NotesBox';
import '../crm.css';

export function ContactDetail() {
  const { params } = useRoute();
  const id = params.id!;
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Bumped by a merge, which changes the contact under the form: the form starts over from the merged values.
  const [version, setVersion] = useState(0);

  const reload = () =>
    getContact(id)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch(setError);

  useEffect(() => {
    setDetail(null);
    void reload();
    void loadAttributeDefs(true);
    void loadLabels(true);
    void loadPipelines();
  }, [id]);
  useEffect(() => {
    document.title = `${detail ? contactName(detail.contact) : t('crm.contact')} · ${t('app.name')}`;
  });

  if (error && !detail) {
    return (
      <div class="crm-page">
        <a href="/contacts" class="crm-back">
          ← {t('crm.contacts')}
        </a>
        <p class="alert alert-error" role="alert">
          {errorText(error)}
        </p>
      </div>
    );
  }
  if (!detail) {
    return (
      <div class="crm-page" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </div>
    );
  }
  const c = detail.contact;
  const name = contactName(c);
  return (
    <div class="crm-page" data-testid="contact-page">
      <a href="/contacts" class="crm-back">
        ← {t('crm.contacts')}
      </a>
      <header class="crm-contact-head">
        <span class="avatar avatar-lg" aria-hidden="true">
          {initials(name)}
        </span>
        <div>
          <h1 data-testid="contact-title">{name}</h1>
          <p class="muted">
            {formatPhone(c.phone ?? (c.waId ? `+${c.waId}` : null)) || t('crm.noPhone')}
            {c.profileName && c.profileName !== c.name && ` · ${t('crm.whatsappName')}: ${c.profileName}`}
          </p>
        </div>
      </header>
      <div class="crm-grid">
        <div class="stack">
          <section class="card" aria-labelledby="contact-data">
            <h2 id="contact-data">{t('crm.data')}</h2>
            <ContactForm key={`${c.id}-${version}`} contact={c} defs={attributeDefs.value ?? []} onSaved={(next) => setDetail({ ...detail, contact: next })} />
          </section>
          <section class="card" aria-labelledby="contact-labels">
            <h2 id="contact-labels">{t('crm.labels')}</h2>
            <LabelsBox contactId={c.id} current={c.labels} onChange={(labels) => setDetail({ ...detail, contact: { ...c, labels } })} />
          </section>
          {isStaff.value && (
            <section class="card" aria-labelledby="contact-merge">
              <h2 id="contact-merge">{t('crm.merge')}</h2>
              <MergeBox contact={c} onMerged={() => void reload().then(() => setVersion((v) => v + 1))} />
            </section>
          )}
          {isAdmin.value && (
            <section class="card" aria-labelledby="contact-data-export">
              <h2 id="contact-data-export">{t('crm.dataExport')}</h2>
              <DataExportBox contactId={c.id} />
            </section>
          )}
          {isAdmin.value && (
            <section class="card crm-danger" aria-labelledby="contact-danger" data-testid="danger-zone">
              <h2 id="contact-danger">{t('crm.danger')}</h2>
              <EraseBox contact={c} />
            </section>
          )}
        </div>
        <div class="stack">
          <section class="card" aria-labelledby="contact-notes">
            <h2 id="contact-notes">{t('crm.notes')}</h2>
            <NotesBox key={`${c.id}-${version}`} contactId={c.id} initial={detail.notes} />
          </section>
          <section class="card" aria-labelledby="contact-start">
            <h2 id="contact-start">{t('start.title')}</h2>
            <StartConversation contact={{ id: c.id, phone: c.phone }} />
          </section>
          <section class="card" aria-labelledby="contact-conversations">
            <h2 id="contact-conversations">{t('crm.conversations')}</h2>
            {detail.conversations.length === 0 ? (
              <p class="muted small">{t('crm.noConversations')}</p>
            ) : (
              <ul class="plain-list" data-testid="contact-conversations">
                {detail.conversations.map((v) => (
                  <li key={v.id}>
                    <a href={`/inbox/${v.id}`} class="crm-conv">
                      <span class="crm-conv-preview">{v.lastMessagePreview || t('crm.noPreview')}</span>
                      <span class="muted small">{v.lastMessageAt ? dateTime(v.lastMessageAt) : dateTime(v.createdAt)}</span>
                    </a>
                    <span class={`chip chip-${v.status}`}>{t(`status.${v.status}`)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="contact-deals">
            <h2 id="contact-deals">{t('crm.deals')}</h2>
            {detail.deals.length === 0 ? (
              <p class="muted small">{t('crm.noDeals')}</p>
            ) : (
              <ul class="plain-list" data-testid="contact-deals">
                {detail.deals.map((d) => (
                  <li key={d.id}>
                    <a href={`/deals?pipeline=${d.pipelineId}&deal=${d.id}`}>{d.title}</a>
                    <span>
                      {formatMoney(d.valueCents, d.currency)}
                      {stageName(d.stageId) && ` · ${stageName(d.stageId)}`} · <span class={`chip crm-status-${d.status}`}>{t(`crm.status.${d.status}`)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
