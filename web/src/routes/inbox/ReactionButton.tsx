// The reaction button beside a message: a small row of common emoji, keyboard-first (arrows move, Escape closes and
// gives focus back). The emoji already chosen is pressed; choosing it again removes it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { IconSmile } from '../../components/icons';
import { t } from '../../i18n';
import { useDismiss } from '../../lib/dismiss';

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

interface Props {
  messageId: string;
  /** The business's current reaction, if any. */
  current: string | null;
  preview: string;
  onReact(emoji: string): void;
}

export function ReactionButton({ messageId, current, preview, onReact }: Props) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useDismiss(ref, open, () => setOpen(false), () => button.current);
  const id = `react-${messageId}`;
  // The chosen emoji (or the first) takes focus; `autoFocus` does nothing for elements added after page load.
  useEffect(() => {
    if (!open) return;
    const box = ref.current;
    (box?.querySelector<HTMLButtonElement>('.reaction-pick [aria-pressed="true"]') ?? box?.querySelector<HTMLButtonElement>('.reaction-pick button'))?.focus();
  }, [open]);

  const keys = (e: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('.reaction-pick button') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (step && i >= 0) {
      e.preventDefault();
      items[(i + step + items.length) % items.length]?.focus();
    }
  };

  const pick = (emoji: string) => {
    setOpen(false);
    onReact(emoji);
    button.current?.focus();
  };

  return (
    <div class="menu-wrap msg-react" ref={ref}>
      <button
        ref={button}
        type="button"
        class="icon-btn msg-action"
        aria-label={`${t('reactions.react')}: ${preview}`}
        title={t('reactions.react')}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        data-testid="react"
      >
        <IconSmile />
      </button>
      {open && (
        <div class="reaction-pick" id={id} role="group" aria-label={t('reactions.pick')} onKeyDown={keys}>
          {REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-pressed={current === emoji}
              aria-label={current === emoji ? t('reactions.removeOne', { emoji }) : emoji}
              onClick={() => pick(emoji)}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
