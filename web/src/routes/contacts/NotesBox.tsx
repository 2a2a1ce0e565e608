// Notes about the contact (internal, never sent to the customer): add one, list the newest, load older, remove own.
import { useState } from 'preact/hooks';
import { addContactNote, deleteContactNote, listContactNotes, type ContactNote } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { dateTime } from '../../lib/format';
import { memberName } from '../../state/members';
import { isStaff, session, userId } from '../../state/session';

const PAGE = 20;

export function NotesBox({ contactId, initial }: { contactId: string; initial: ContactNote[] }) {
  const [notes, setNotes] = useState(initial);
  // The detail brings the newest 20: there may be more when it brought a full page.
  const [cursor, setCursor] = useState<string | null | undefined>(initial.length >= PAGE ? undefined : null);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const { note } = await addContactNote(contactId, body.trim());
      const me = session.value?.user;
      setNotes([{ ...note, author: { id: note.author?.id ?? '', name: me?.name ?? me?.email ?? null } }, ...notes]);
      setBody('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const more = async () => {
    try {
      const page = await listContactNotes(contactId, cursor ?? undefined);
      if (cursor === undefined) {
        // First "older" request: the server's first page overlaps what the detail gave.
        const seen = new Set(notes.map((n) => n.id));
        const fresh = page.data.filter((n) => !seen.has(n.id));
        setNotes([...notes, ...fresh]);
      } else {
        setNotes([...notes, ...page.data]);
      }
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (id: string) => {
    setError(null);
    try {
      await deleteContactNote(contactId, id);
      setNotes(notes.filter((n) => n.id !== id));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack">
      <form class="form" onSubmit={(e) => void add(e)}>
        <label class="field">
          <span>{t('crm.newNote')}</span>
          <textarea rows={3} maxLength={10_000} value={body} onInput={(e) => setBody(e.currentTarget.value)} data-testid="note-input" />
        </label>
        <div>
          <button type="submit" class="btn" disabled={busy || !body.trim()} data-testid="note-add">
            {t('crm.addNote')}
          </button>
        </div>
      </form>
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {notes.length === 0 ? (
        <p class="muted small">{t('crm.noNotes')}</p>
      ) : (
        <ul class="crm-notes" data-testid="notes">
          {notes.map((n) => (
            <li key={n.id} data-testid="note">
              <p class="crm-note-body">{n.body}</p>
              <p class="muted small">
                {n.author?.name ?? memberName(n.author?.id) ?? t('crm.someone')} · {dateTime(n.createdAt)}
                {(n.author?.id === userId.value || isStaff.value) && (
                  <button type="button" class="btn btn-ghost btn-small" onClick={() => void remove(n.id)} aria-label={t('crm.removeNote')}>
                    {t('common.remove')}
                  </button>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      {cursor !== null && notes.length >= PAGE && (
        <button type="button" class="btn btn-small" onClick={() => void more()}>
          {t('crm.olderNotes')}
        </button>
      )}
    </div>
  );
}
