// The contact pane: who the customer is, the state of WhatsApp's 24 h service window, the labels of the contact and
// of this conversation, the contact's custom attributes and open deals, and a way to the full contact page.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DealDto } from '../../api/crm';
import type { AttributeDefinition } from '../../api/types';
import { LabelPicker } from '../../components/LabelPicker';
import { LabelChip } from '../../components/Labels';
import { IconX } from '../../components/icons';
import { locale, t } from '../../i18n';
import { contactName, dateTime, formatPhone, initials, relative } from '../../lib/format';
import { attributeDefs, loadAttributeDefs, loadPipelines, stageName } from '../../state/catalog';
import type { ChatStore } from '../../state/chat';
import { now } from '../../state/clock';
import { contactDetail, loadContact, toggleContactLabel } from '../../state/contact';
import { memberName } from '../../state/members';
import { userId } from '../../state/session';
import { formatMoney } from '../deals/money';
import { contactOpen } from './Inbox';

export function ContactPanel({ store }: { store: ChatStore }) {
  const c = store.conversation.value!;
  const ref = useRef<HTMLElement>(null);
  const name = contactName(c.contact);
  const open = store.windowOpen.value;
  const expires = c.lastInboundAt ? new Date(new Date(c.lastInboundAt).getTime() + 24 * 3600_000).toISOString() : null;
  const phone = c.contact.phone ?? (c.contact.waId ? `+${c.contact.waId}` : null);
  const assignee = c.assigneeId === null ? t('inbox.unassigned') : c.assigneeId === userId.value ? t('inbox.assignedToYou') : (memberName(c.assigneeId) ?? '—');
  const contactId = c.contact.id;
  const current = contactDetail.value?.id === contactId ? contactDetail.value : null;
  const detail = current?.detail ?? null;
  const [labelError, setLabelError] = useState<string | null>(null);

  useEffect(() => {
    void loadContact(contactId, true);
    void loadAttributeDefs();
    void loadPipelines();
  }, [contactId]);

  useEffect(() => {
    // Below 1200 px the pane floats over the chat (a dialog): it takes the focus, keeps Tab inside, closes on Escape
    // wherever the focus is, and gives the focus back to the button that opened it.
    const overlay = typeof matchMedia !== 'undefined' && !matchMedia('(min-width: 1200px)').matches;
    const opener = document.activeElement as HTMLElement | null;
    if (overlay) ref.current?.querySelector<HTMLElement>('.contact-head button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      const inside = ref.current?.contains(document.activeElement) ?? false;
      if (e.key === 'Escape' && !e.defaultPrevented && (overlay || inside) && !document.activeElement?.closest('.menu')) {
        contactOpen.value = false;
        return;
      }
      if (e.key !== 'Tab' || !overlay || !ref.current) return;
      const focusable = [...ref.current.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])')];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (!inside || (e.shiftKey && document.activeElement === first)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (overlay && opener?.isConnected) opener.focus();
    };
  }, []);

  const defs = attributeDefs.value ?? [];
  const attributes = detail?.contact.attributes ?? {};
  const openDeals = (detail?.deals ?? []).filter((d) => d.status === 'open');

  return (
    <aside class="pane-contact" aria-labelledby="contact-title" ref={ref} data-testid="contact-panel">
      <div class="contact-head">
        <h2 id="contact-title">{t('contact.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('contact.close')} onClick={() => (contactOpen.value = false)}>
          <IconX />
        </button>
      </div>
      <div class="contact-card">
        <span class="avatar avatar-lg" aria-hidden="true">
          {initials(name)}
        </span>
        <p class="contact-name">{name}</p>
        <a class="btn btn-small" href={`/contacts/${contactId}`} data-testid="edit-contact">
          {t('contact.edit')}
        </a>
      </div>
      <dl class="facts">
        <dt>{t('contact.name')}</dt>
        <dd>{c.contact.name ?? '—'}</dd>
        {c.contact.profileName && c.contact.profileName !== c.contact.name && (
          <>
            <dt>{t('contact.profileName')}</dt>
            <dd>{c.contact.profileName}</dd>
          </>
        )}
        <dt>{t('contact.phone')}</dt>
        <dd>{phone ? <a href={`tel:${phone}`}>{formatPhone(phone)}</a> : '—'}</dd>
        {detail?.contact.email && (
          <>
            <dt>{t('contact.email')}</dt>
            <dd>
              <a href={`mailto:${detail.contact.email}`}>{detail.contact.email}</a>
            </dd>
          </>
        )}
        <dt>{t('contact.window')}</dt>
        <dd data-testid="window-state" data-open={open ? 'true' : 'false'}>
          <span class={`window-dot ${open ? 'is-open' : 'is-closed'}`} aria-hidden="true" />
          {!store.windowApplies.value
            ? t('contact.windowNotApplicable')
            : !expires
              ? t('contact.windowNever')
              : open
                ? t('contact.windowOpen', { time: `${dateTime(expires)} (${relative(expires, now.value)})` })
                : t('contact.windowClosed', { time: dateTime(expires) })}
        </dd>
        <dt>{t('contact.status')}</dt>
        <dd>{t(`status.${c.status}`)}</dd>
        <dt>{t('contact.assignee')}</dt>
        <dd>{assignee}</dd>
        {c.csat && (
          <>
            <dt>{t('csat.title')}</dt>
            <dd data-testid="csat" data-rating={c.csat.rating ?? ''}>
              {c.csat.rating === null ? (
                t('csat.pending')
              ) : (
                <>
                  <span aria-hidden="true">{'★'.repeat(c.csat.rating) + '☆'.repeat(5 - c.csat.rating)} </span>
                  {t('csat.rating', { rating: c.csat.rating })}
                </>
              )}
              {c.csat.comment && <p class="muted">{t('csat.comment', { comment: c.csat.comment })}</p>}
            </dd>
          </>
        )}
      </dl>

      <section class="panel-section" aria-labelledby="conv-labels-title" data-testid="conversation-labels">
        <h3 id="conv-labels-title">{t('contact.conversationLabels')}</h3>
        <div class="chip-row">
          {(c.labels ?? []).map((l) => (
            <LabelChip key={l.id} label={l} onRemove={() => void store.toggleLabel(l, false)} />
          ))}
          <LabelPicker label={t('labels.add')} applied={c.labels ?? []} onToggle={(l, apply) => void store.toggleLabel(l, apply)} testId="add-conversation-label" />
        </div>
      </section>

      <section class="panel-section" aria-labelledby="contact-labels-title" data-testid="contact-labels">
        <h3 id="contact-labels-title">{t('contact.contactLabels')}</h3>
        {detail ? (
          <div class="chip-row">
            {detail.contact.labels.map((l) => (
              <LabelChip key={l.id} label={l} onRemove={() => void toggleContactLabel(contactId, l, false).then(setLabelError)} />
            ))}
            <LabelPicker
              label={t('labels.add')}
              applied={detail.contact.labels}
              onToggle={(l, apply) => void toggleContactLabel(contactId, l, apply).then(setLabelError)}
              testId="add-contact-label"
            />
          </div>
        ) : (
          <p class="muted">{current?.error ?? t('common.loading')}</p>
        )}
        {labelError && (
          <p class="alert alert-error" role="alert">
            {labelError}
          </p>
        )}
      </section>

      {detail && defs.length > 0 && (
        <section class="panel-section" aria-labelledby="contact-attrs-title" data-testid="contact-attributes">
          <h3 id="contact-attrs-title">{t('contact.attributes')}</h3>
          <dl class="facts facts-compact">
            {defs.map((d) => (
              <div key={d.id} class="fact">
                <dt>{d.label}</dt>
                <dd data-key={d.key}>{formatAttribute(d, attributes[d.key])}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      {detail && (
        <section class="panel-section" aria-labelledby="contact-deals-title" data-testid="contact-deals">
          <h3 id="contact-deals-title">{t('contact.openDeals')}</h3>
          {openDeals.length === 0 ? (
            <p class="muted">{t('contact.noDeals')}</p>
          ) : (
            <ul class="deal-list">
              {openDeals.map((d) => (
                <DealItem key={d.id} deal={d} />
              ))}
            </ul>
          )}
          <a href="/deals" class="panel-link">
            {t('contact.allDeals')}
          </a>
        </section>
      )}

      {detail && detail.conversations.length > 1 && (
        <section class="panel-section" aria-labelledby="contact-convs-title" data-testid="contact-conversations">
          <h3 id="contact-convs-title">{t('contact.otherConversations')}</h3>
          <ul class="plain-list">
            {detail.conversations
              .filter((v) => v.id !== c.id)
              .map((v) => (
                <li key={v.id}>
                  <a href={`/inbox/${v.id}`}>{dateTime(v.lastMessageAt ?? v.createdAt)}</a> <span class={`chip chip-${v.status}`}>{t(`status.${v.status}`)}</span>
                  {v.lastMessagePreview && <p class="muted small">{v.lastMessagePreview}</p>}
                </li>
              ))}
          </ul>
        </section>
      )}
    </aside>
  );
}

function DealItem({ deal }: { deal: DealDto }) {
  const stage = stageName(deal.stageId);
  return (
    <li class="deal-item" data-testid="contact-deal">
      <a href="/deals" class="deal-title">
        {deal.title}
      </a>
      <span class="deal-meta">
        <strong>{formatMoney(deal.valueCents, deal.currency)}</strong>
        {stage && <span class="chip">{stage}</span>}
      </span>
    </li>
  );
}

/** A custom attribute's value as its type reads best; "—" when the contact has none. */
export function formatAttribute(def: AttributeDefinition, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  switch (def.type) {
    case 'number':
      return typeof value === 'number' ? new Intl.NumberFormat(locale.value).format(value) : String(value);
    case 'boolean':
      return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
    case 'date': {
      // A calendar day (YYYY-MM-DD): formatted in UTC so no time zone moves it to the day before.
      const d = new Date(`${String(value)}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? String(value) : new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
    }
    default:
      return String(value);
  }
}
