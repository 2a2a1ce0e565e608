// The inbox's keyboard shortcuts: j/k move to the next or previous conversation (↓/↑ inside the list), "/"
// searches, "?" shows this list in a dialog (Escape closes it and gives the focus back).
import { useLocation } from 'preact-iso';
import { useEffect, useRef } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { openId, rows } from '../../state/inbox';
import { isShortcut, SHORTCUTS, shortcutsOpen } from '../../state/keyboard';

export function useInboxShortcuts() {
  const { route } = useLocation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e)) return;
      if (e.key === '?') {
        e.preventDefault();
        shortcutsOpen.value = true;
      } else if (e.key === '/') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="search"]')?.focus();
      } else if (e.key === 'j' || e.key === 'k') {
        const list = rows.value;
        if (list.length === 0) return;
        e.preventDefault();
        const i = list.findIndex((r) => r.id === openId.value);
        const step = e.key === 'j' ? 1 : -1;
        const next = list[i < 0 ? 0 : Math.min(list.length - 1, Math.max(0, i + step))]!;
        route(`/inbox/${next.id}`);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutsDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const open = shortcutsOpen.value;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog shortcuts" aria-labelledby="shortcuts-title" onClose={() => (shortcutsOpen.value = false)} data-testid="shortcuts">
      <h2 id="shortcuts-title">{t('keys.title')}</h2>
      <dl class="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.what} class="shortcut">
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ` ${t('keys.or')} `}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(s.what as MessageKey)}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button class="btn" type="submit">
          {t('common.close')}
        </button>
      </form>
    </dialog>
  );
}
