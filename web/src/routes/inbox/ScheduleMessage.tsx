// Scheduling a message for later: the composer's "Agendar" button and its dialog (date and time in the organisation's
// time zone, the text, and on Meta numbers a template for a closed 24-hour window), and the chat's list of what is
// still to go out ("Agendada para qua., 10/12 às 09:00", with Editar / Cancelar). The server's cron sends them; once
// sent, a scheduled message is an ordinary outbound message in the chat.
import { useEffect, useRef, useState } from 'preact/hooks';
import { IconClock } from '../../components/icons';
import { errorText, locale, t } from '../../i18n';
import { isoToZonedInput, zonedInputToIso } from '../../lib/zoned-time';
import type { ChatStore } from '../../state/chat';
import { now } from '../../state/clock';
import {
  cancelScheduled,
  createScheduled,
  DEFAULT_TIME_ZONE,
  editScheduled,
  listScheduled,
  organizationTimeZone,
  type ScheduledMessage,
  type ScheduledTemplate,
} from '../../state/scheduled';
import { TemplatePicker, type ChosenTemplate } from './TemplateComposer';

function useTimeZone(): string {
  const [zone, setZone] = useState(DEFAULT_TIME_ZONE);
  useEffect(() => {
    void organizationTimeZone().then(setZone);
  }, []);
  return zone;
}

/** Why the cron could not send it (worker/domain/scheduled-messages.ts), in words. */
const FAILURES = ['window_closed', 'creator_gone', 'not_allowed', 'conversation_gone', 'templates_unsupported'] as const;
const failureKey = (code: string | null) =>
  `scheduled.error.${FAILURES.find((f) => f === code) ?? 'other'}` as `scheduled.error.${(typeof FAILURES)[number] | 'other'}`;

/** "qua., 10/12" and "09:00" in the organisation's zone. */
function when(iso: string, timeZone: string) {
  const at = new Date(iso);
  return {
    day: new Intl.DateTimeFormat(locale.value, { timeZone, weekday: 'short', day: '2-digit', month: '2-digit' }).format(at),
    time: new Intl.DateTimeFormat(locale.value, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at),
  };
}

/** The composer's action: opens the dialog with what is typed; `onScheduled` clears the composer. */
export function ScheduleButton({ store, text, onScheduled }: { store: ChatStore; text: string; onScheduled(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="icon-btn" aria-label={t('scheduled.open')} title={t('scheduled.open')} onClick={() => setOpen(true)} data-testid="schedule-open">
        <IconClock />
      </button>
      {open && (
        <ScheduleDialog
          store={store}
          initialText={text}
          onClose={() => setOpen(false)}
          onSaved={() => {
            setOpen(false);
            onScheduled();
          }}
        />
      )}
    </>
  );
}

function ScheduleDialog({ store, existing, initialText = '', onClose, onSaved }: { store: ChatStore; existing?: ScheduledMessage; initialText?: string; onClose(): void; onSaved(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const zone = useTimeZone();
  const [at, setAt] = useState('');
  const touched = useRef(false);
  const [text, setText] = useState(existing?.body ?? initialText);
  const [template, setTemplate] = useState<{ value: ScheduledTemplate; preview: string } | null>(existing?.template ? { value: existing.template, preview: existing.template.name } : null);
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const meta = store.windowApplies.value;
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  // Editing: the time it has; new: the next whole hour, in the organisation's zone (once it is known, unless the
  // person already picked a time).
  useEffect(() => {
    if (touched.current) return;
    const start = existing?.sendAt ?? new Date(Math.ceil((Date.now() + 5 * 60_000) / 3_600_000) * 3_600_000).toISOString();
    setAt(isoToZonedInput(start, zone));
  }, [zone]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const sendAt = zonedInputToIso(at, zone);
    if (!sendAt) return setError(t('scheduled.badTime'));
    if (new Date(sendAt).getTime() <= Date.now()) return setError(t('scheduled.inPast'));
    setBusy(true);
    setError(null);
    try {
      const body = { sendAt, text: text.trim(), template: meta ? (template?.value ?? null) : null };
      if (existing) await editScheduled(existing.id, body);
      else await createScheduled(store.id, body);
      store.scheduledVersion.value++;
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="schedule-dialog" aria-labelledby="schedule-title" onClose={onClose} data-testid="schedule-dialog">
      <div class="schedule-head">
        <h2 id="schedule-title">{existing ? t('scheduled.editTitle') : t('scheduled.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => ref.current?.close()}>
          ×
        </button>
      </div>
      <form id="schedule-form" onSubmit={submit}>
        <label class="field">
          <span>{t('scheduled.when', { zone: zone.replace(/_/g, ' ') })}</span>
          <input type="datetime-local" required value={at} onInput={(e) => {
              touched.current = true;
              setAt(e.currentTarget.value);
            }} data-testid="schedule-at" />
        </label>
        <label class="field">
          <span>{t('scheduled.text')}</span>
          <textarea rows={4} required maxLength={4096} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="schedule-text" />
        </label>
      </form>
      {meta && (
        <section class="schedule-template" aria-label={t('scheduled.templateLabel')}>
          <p class="muted small">{t('scheduled.templateHint')}</p>
          {template ? (
            <p class="schedule-template-chosen" data-testid="schedule-template">
              <span>
                {t('scheduled.templateChosen')}: <strong>{template.preview}</strong>
              </span>
              <button type="button" class="btn btn-small" onClick={() => setTemplate(null)}>
                {t('scheduled.templateRemove')}
              </button>
            </p>
          ) : picking ? (
            <TemplatePicker
              channelId={store.conversation.value!.channelId}
              submitLabel={t('scheduled.templateUse')}
              onSend={({ template: value, preview }: ChosenTemplate) => {
                setTemplate({ value, preview });
                setPicking(false);
              }}
            />
          ) : (
            <button type="button" class="btn btn-small" onClick={() => setPicking(true)} data-testid="schedule-pick-template">
              {t('scheduled.templatePick')}
            </button>
          )}
        </section>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div class="button-row schedule-actions">
        <button type="button" class="btn" onClick={() => ref.current?.close()}>
          {t('common.cancel')}
        </button>
        <button type="submit" form="schedule-form" class="btn btn-primary" disabled={busy || !text.trim() || !at} data-testid="schedule-save">
          {existing ? t('common.save') : t('scheduled.submit')}
        </button>
      </div>
    </dialog>
  );
}

/** At the bottom of the chat: what is scheduled here (and what failed to go out, until dismissed). */
export function ScheduledList({ store }: { store: ChatStore }) {
  const zone = useTimeZone();
  const [items, setItems] = useState<ScheduledMessage[]>([]);
  const [editing, setEditing] = useState<ScheduledMessage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = store.scheduledVersion.value;
  useEffect(() => {
    let live = true;
    listScheduled(store.id).then(
      (list) => live && setItems(list),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [store.id, version]);

  const cancel = async (s: ScheduledMessage) => {
    setError(null);
    try {
      await cancelScheduled(s.id);
      setItems((list) => list.filter((x) => x.id !== s.id));
    } catch (err) {
      setError(errorText(err));
      store.scheduledVersion.value++;
    }
  };

  if (items.length === 0 && !error) return null;
  return (
    <section class="scheduled-list" aria-label={t('scheduled.listLabel')} data-testid="scheduled-list">
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {items.map((s) => {
        const { day, time } = when(s.sendAt, zone);
        const failed = s.status === 'failed';
        return (
          <div class="msg-row" data-direction="outbound" key={s.id}>
            <article class={`msg msg-out msg-scheduled${failed ? ' msg-failed' : ''}`} data-testid="scheduled-item" data-status={s.status}>
              <p class="msg-label">
                <IconClock width="14" height="14" />
                {s.status === 'sending' ? t('scheduled.sending') : failed ? t('scheduled.failed') : t('scheduled.for', { day, time })}
                {!failed && s.status === 'scheduled' && new Date(s.sendAt).getTime() < now.value && ` · ${t('scheduled.soon')}`}
              </p>
              <p class="msg-text">{s.body}</p>
              {s.template && <p class="muted small">{t('scheduled.withTemplate', { name: s.template.name })}</p>}
              {failed && <p class="msg-failure">{t(failureKey(s.error))}</p>}
              <p class="scheduled-actions">
                {s.status === 'scheduled' && (
                  <button type="button" class="btn btn-small" onClick={() => setEditing(s)} data-testid="scheduled-edit">
                    {t('scheduled.edit')}
                  </button>
                )}
                {(s.status === 'scheduled' || failed) && (
                  <button type="button" class="btn btn-small" onClick={() => void cancel(s)} data-testid="scheduled-cancel">
                    {failed ? t('scheduled.dismiss') : t('scheduled.cancel')}
                  </button>
                )}
              </p>
            </article>
          </div>
        );
      })}
      {editing && <ScheduleDialog store={store} existing={editing} onClose={() => setEditing(null)} onSaved={() => setEditing(null)} />}
    </section>
  );
}
