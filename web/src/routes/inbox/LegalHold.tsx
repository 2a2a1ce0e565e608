// Legal hold in the chat header: a "Retenção legal" badge for everyone who sees the conversation while one is in force,
// and for tenant admins a button that opens a dialog asking the reason to place or lift it (the server keeps the
// history and audits both; worker/routes/retention-exclusions.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../../api/client';
import type { LegalHold as Hold, LegalHoldState } from '../../../../worker/schemas/retention-exclusions';
import { errorText, t } from '../../i18n';
import { dateTime } from '../../lib/format';
import { isAdmin } from '../../state/session';
import '../crm.css';
import './legal-hold.css';

export function LegalHold({ conversationId }: { conversationId: string }) {
  const [active, setActive] = useState<Hold | null>(null);
  const [dialog, setDialog] = useState(false);
  useEffect(() => {
    let live = true;
    setActive(null);
    get<LegalHoldState>(`/api/v1/conversations/${conversationId}/legal-hold`).then(
      (s) => live && setActive(s.active),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [conversationId]);

  return (
    <>
      {active && (
        <span class="chip chip-legal-hold" title={t('legalHold.badgeTitle', { date: dateTime(active.placedAt), reason: active.reason })} data-testid="legal-hold-badge">
          {t('legalHold.badge')}
        </span>
      )}
      {isAdmin.value && (
        <button type="button" class="btn btn-small" onClick={() => setDialog(true)} data-testid="legal-hold-open">
          {active ? t('legalHold.lift') : t('legalHold.place')}
        </button>
      )}
      {dialog && <HoldDialog conversationId={conversationId} lifting={active !== null} onDone={(hold) => setActive(hold)} onClose={() => setDialog(false)} />}
    </>
  );
}

function HoldDialog({ conversationId, lifting, onDone, onClose }: { conversationId: string; lifting: boolean; onDone(h: Hold | null): void; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (reason.trim().length < 3) return;
    setBusy(true);
    setError(null);
    try {
      const path = `/api/v1/conversations/${conversationId}/legal-hold${lifting ? '/lift' : ''}`;
      const { legalHold } = await post<{ legalHold: Hold }>(path, { reason: reason.trim() });
      onDone(lifting ? null : legalHold);
      ref.current?.close();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="crm-dialog" aria-labelledby="legal-hold-title" aria-describedby="legal-hold-intro" onClose={onClose} data-testid="legal-hold-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <h2 id="legal-hold-title">{lifting ? t('legalHold.liftTitle') : t('legalHold.placeTitle')}</h2>
        <p id="legal-hold-intro">{lifting ? t('legalHold.liftIntro') : t('legalHold.placeIntro')}</p>
        <label class="field">
          <span>{t('legalHold.reason')}</span>
          <textarea value={reason} onInput={(e) => setReason(e.currentTarget.value)} required minLength={3} maxLength={1000} rows={3} aria-describedby="legal-hold-hint" data-testid="legal-hold-reason" />
          <small class="hint" id="legal-hold-hint">
            {t('legalHold.reasonHint')}
          </small>
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
          <button type="submit" class={lifting ? 'btn btn-primary' : 'btn btn-danger'} disabled={busy || reason.trim().length < 3} data-testid="legal-hold-confirm">
            {lifting ? t('legalHold.confirmLift') : t('legalHold.confirmPlace')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
