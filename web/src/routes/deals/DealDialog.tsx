// A deal in a modal dialog: create (title, value, contact, stage, owner, expected close) or edit it (also status
// won/lost with the reason) and read its stage history. Native <dialog>: focus stays inside, Escape closes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { deleteDeal, getDeal, type DealCard, type DealStatus, type Stage, type StageHistoryEntry, type UpdateDealBody } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { dateTime } from '../../lib/format';
import { addDeal, dropDeal, editDeal } from '../../state/deals';
import { memberName, team } from '../../state/members';
import { session } from '../../state/session';
import { ContactPicker, FieldError } from '../contacts/parts';
import { centsToInput, parseMoney } from './money';

const CURRENCIES = ['BRL', 'USD', 'EUR'];

export function DealDialog({ dealId, stages, onClose }: { dealId?: string; stages: Stage[]; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [deal, setDeal] = useState<DealCard | null>(null);
  const [history, setHistory] = useState<StageHistoryEntry[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    ref.current?.showModal();
    if (dealId) {
      getDeal(dealId)
        .then((r) => {
          setDeal(r.deal);
          setHistory(r.history);
        })
        .catch(setLoadError);
    }
  }, []);

  return (
    <dialog ref={ref} class="crm-dialog deal-dialog" aria-labelledby="deal-dialog-title" onClose={onClose} data-testid="deal-dialog">
      <div class="deal-dialog-head">
        <h2 id="deal-dialog-title">{dealId ? (deal?.title ?? t('crm.deal')) : t('crm.newDeal')}</h2>
        <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => ref.current?.close()}>
          ×
        </button>
      </div>
      {loadError ? (
        <p class="alert alert-error" role="alert">
          {errorText(loadError)}
        </p>
      ) : dealId && !deal ? (
        <p class="muted">{t('common.loading')}</p>
      ) : (
        <DealForm deal={deal} stages={stages} close={() => ref.current?.close()} />
      )}
      {deal && history.length > 0 && <History history={history} stages={stages} />}
    </dialog>
  );
}

function DealForm({ deal, stages, close }: { deal: DealCard | null; stages: Stage[]; close: () => void }) {
  const me = session.value!.user;
  const [title, setTitle] = useState(deal?.title ?? '');
  const [value, setValue] = useState(deal ? centsToInput(deal.valueCents) : '');
  const [currency, setCurrency] = useState(deal?.currency ?? 'BRL');
  const [contact, setContact] = useState<{ id: string; name: string | null } | null>(deal?.contact ?? null);
  const [stageId, setStageId] = useState(deal?.stageId ?? stages[0]?.id ?? '');
  const [ownerId, setOwnerId] = useState(deal ? (deal.ownerId ?? '') : me.id);
  const [closeDate, setCloseDate] = useState(deal?.expectedCloseDate ?? '');
  const [status, setStatus] = useState<DealStatus>(deal?.status ?? 'open');
  const [lostReason, setLostReason] = useState(deal?.lostReason ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: 'value' | 'lostReason' | 'contact' | 'form'; text: string } | null>(null);
  // A name typed in the contact search but no suggestion chosen: saving would silently leave the deal without one.
  const [contactTyped, setContactTyped] = useState('');
  const owners = team.value ?? [{ id: me.id, name: me.name ?? me.email, role: '' }];

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const cents = value.trim() ? parseMoney(value) : 0;
    if (cents === null) {
      setError({ field: 'value', text: t('crm.badValue') });
      return;
    }
    if (!contact && contactTyped.trim()) {
      setError({ field: 'contact', text: t('crm.chooseContact') });
      return;
    }
    if (status === 'lost' && !lostReason.trim()) {
      setError({ field: 'lostReason', text: t('crm.lostReasonRequired') });
      return;
    }
    setBusy(true);
    try {
      if (!deal) {
        await addDeal({
          title: title.trim(),
          valueCents: cents,
          currency,
          stageId,
          ownerId: ownerId || null,
          ...(contact ? { contactId: contact.id } : {}),
          ...(closeDate ? { expectedCloseDate: closeDate } : {}),
        });
      } else {
        const body: UpdateDealBody = {};
        if (title.trim() !== deal.title) body.title = title.trim();
        if (cents !== deal.valueCents) body.valueCents = cents;
        if (currency !== deal.currency) body.currency = currency;
        if ((contact?.id ?? null) !== deal.contactId) body.contactId = contact?.id ?? null;
        if (stageId !== deal.stageId) body.stageId = stageId;
        if ((ownerId || null) !== deal.ownerId) body.ownerId = ownerId || null;
        if ((closeDate || null) !== deal.expectedCloseDate) body.expectedCloseDate = closeDate || null;
        if (status !== deal.status) body.status = status;
        if (status === 'lost' && lostReason.trim() !== (deal.lostReason ?? '')) body.lostReason = lostReason.trim();
        if (Object.keys(body).length) await editDeal(deal.id, body);
      }
      close();
    } catch (err) {
      const code = (err as { code?: string }).code;
      setError({ field: code === 'lost_reason_required' ? 'lostReason' : 'form', text: errorText(err) });
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!deal || !confirm(t('crm.deleteDealConfirm', { title: deal.title }))) return;
    try {
      await deleteDeal(deal.id);
      dropDeal(deal.id);
      close();
    } catch (err) {
      setError({ field: 'form', text: errorText(err) });
    }
  };

  return (
    <form class="form" onSubmit={(e) => void submit(e)} noValidate>
      <label class="field">
        <span>{t('crm.dealTitle')}</span>
        <input required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} data-testid="deal-title" />
      </label>
      <div class="field-row">
        <div class="field">
          <label for="deal-value-input" class="crm-label-text">{t('crm.value')}</label>
          <input
            id="deal-value-input"
            inputMode="decimal"
            value={value}
            placeholder="1.500,00"
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-invalid={error?.field === 'value'}
            aria-describedby="deal-value-error"
            data-testid="deal-value"
          />
          <FieldError id="deal-value-error" text={error?.field === 'value' ? error.text : null} />
        </div>
        <label class="field crm-narrow">
          <span>{t('crm.currency')}</span>
          <select value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
            {[...new Set([...CURRENCIES, currency])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ContactPicker
        id="deal-contact"
        label={t('crm.contact')}
        value={contact}
        onTyping={setContactTyped}
        onChange={(c) => setContact(c && { id: c.id, name: c.name ?? c.profileName ?? c.phone })}
      />
      <FieldError id="deal-contact-error" text={error?.field === 'contact' ? error.text : null} />
      <div class="field-row">
        <label class="field">
          <span>{t('crm.stage')}</span>
          <select value={stageId} onChange={(e) => setStageId(e.currentTarget.value)} data-testid="deal-stage">
            {stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('crm.owner')}</span>
          <select value={ownerId} onChange={(e) => setOwnerId(e.currentTarget.value)} data-testid="deal-owner">
            <option value="">{t('crm.noOwner')}</option>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name ?? o.id}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('crm.expectedClose')}</span>
          <input type="date" value={closeDate} onInput={(e) => setCloseDate(e.currentTarget.value)} data-testid="deal-close-date" />
        </label>
      </div>
      {deal && (
        <fieldset class="fieldset">
          <legend>{t('crm.status')}</legend>
          <div class="crm-status-pick" role="radiogroup" aria-label={t('crm.status')}>
            {(['open', 'won', 'lost'] as const).map((s) => (
              <label key={s} class="check">
                <input type="radio" name="deal-status" value={s} checked={status === s} onChange={() => setStatus(s)} data-testid={`deal-status-${s}`} />
                {t(`crm.status.${s}`)}
              </label>
            ))}
          </div>
          {status === 'lost' && (
            <div class="field">
              <label for="deal-lost-reason-input" class="crm-label-text">{t('crm.lostReason')}</label>
              <input
                id="deal-lost-reason-input"
                value={lostReason}
                maxLength={500}
                onInput={(e) => setLostReason(e.currentTarget.value)}
                aria-invalid={error?.field === 'lostReason'}
                aria-describedby="deal-lost-error"
                data-testid="deal-lost-reason"
              />
              <FieldError id="deal-lost-error" text={error?.field === 'lostReason' ? error.text : null} />
            </div>
          )}
        </fieldset>
      )}
      {error?.field === 'form' && (
        <p class="alert alert-error" role="alert">
          {error.text}
        </p>
      )}
      <div class="button-row crm-dialog-actions">
        {deal && (
          <button type="button" class="btn btn-danger" onClick={() => void remove()}>
            {t('crm.deleteDeal')}
          </button>
        )}
        <span class="grow" />
        <button type="button" class="btn" onClick={close}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy || !title.trim()} data-testid="deal-save">
          {deal ? t('common.save') : t('crm.create')}
        </button>
      </div>
    </form>
  );
}

function History({ history, stages }: { history: StageHistoryEntry[]; stages: Stage[] }) {
  const name = (id: string | null) => (id ? (stages.find((s) => s.id === id)?.name ?? t('crm.otherStage')) : null);
  const who = (id: string | null) => memberName(id) ?? t('crm.someone');
  return (
    <section class="deal-history" aria-labelledby="deal-history-title">
      <h3 id="deal-history-title">{t('crm.history')}</h3>
      <ol class="crm-timeline" data-testid="deal-history">
        {history.map((h, i) => (
          <li key={i}>
            {h.fromStageId ? t('crm.historyMove', { from: name(h.fromStageId)!, to: name(h.toStageId)! }) : t('crm.historyCreated', { to: name(h.toStageId)! })}
            <span class="muted small">
              {' '}
              · {who(h.movedBy)} · {dateTime(h.movedAt)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
