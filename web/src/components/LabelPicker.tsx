// The picker that applies or removes the organisation's labels: a toggle list with a filter box, keyboard-first
// (arrows move, Enter on a single match toggles it, Escape closes and gives focus back).
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LabelRef } from '../api/types';
import { t } from '../i18n';
import { useDismiss } from '../lib/dismiss';
import { fold } from '../lib/format';
import { loadLabels, orgLabels } from '../state/catalog';
import { isAdmin } from '../state/session';
import { IconCheck } from './icons';

interface PickerProps {
  /** What the button says ("Adicionar etiqueta à conversa"). */
  label: string;
  applied: readonly LabelRef[];
  onToggle(label: LabelRef, apply: boolean): void;
  testId?: string;
}

export function LabelPicker({ label, applied, onToggle, testId }: PickerProps) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useDismiss(ref, open, () => setOpen(false), () => button.current);
  // Layout effect: the filter box has the focus before the next key arrives (a fast typist's first letters
  // would otherwise go to the button).
  useLayoutEffect(() => {
    if (!open) return;
    void loadLabels();
    setFilter('');
    input.current?.focus();
  }, [open]);

  const all = orgLabels.value;
  const q = fold(filter.trim());
  const shown = (all ?? []).filter((l) => !q || fold(l.name).includes(q));
  const on = new Set(applied.map((l) => l.id));
  const id = `${testId ?? 'labels'}-picker`;

  const onKeyDown = (e: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('.picker-item') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = items[Math.min(i + 1, items.length - 1)];
    else if (e.key === 'ArrowUp') next = i <= 0 ? (input.current ?? undefined) : items[i - 1];
    else if (e.key === 'Enter' && document.activeElement === input.current) {
      e.preventDefault();
      // Typed before the organisation's labels arrived: Enter applies the single match once they are here.
      const typed = fold((input.current?.value ?? '').trim());
      void (all === null ? loadLabels() : Promise.resolve()).then(() => {
        const matches = (orgLabels.value ?? []).filter((l) => !typed || fold(l.name).includes(typed));
        if (matches.length === 1) onToggle(matches[0]!, !on.has(matches[0]!.id));
      });
      return;
    }
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <div class="menu-wrap" ref={ref}>
      <button
        ref={button}
        type="button"
        class="btn btn-small btn-ghost label-add"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        data-testid={testId}
      >
        + {label}
      </button>
      {open && (
        <div class="menu picker" id={id} role="group" aria-label={label} onKeyDown={onKeyDown}>
          <label class="picker-filter">
            <span class="sr-only">{t('labels.filter')}</span>
            <input ref={input} type="search" value={filter} placeholder={t('labels.filter')} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
          {all === null ? (
            <p class="picker-note">{t('common.loading')}</p>
          ) : all.length === 0 ? (
            <p class="picker-note">
              {isAdmin.value ? (
                <a href="/settings/labels" data-testid="labels-create-link">
                  {t('labels.createFirst')}
                </a>
              ) : (
                t('labels.noneYet')
              )}
            </p>
          ) : shown.length === 0 ? (
            <p class="picker-note">{t('labels.noMatch')}</p>
          ) : (
            <ul>
              {shown.map((l) => (
                <li key={l.id}>
                  <button type="button" class="picker-item" aria-pressed={on.has(l.id)} onClick={() => onToggle(l, !on.has(l.id))}>
                    <span class="picker-check" aria-hidden="true">{on.has(l.id) && <IconCheck width="14" height="14" />}</span>
                    <span class="label-dot" style={{ background: l.color }} aria-hidden="true" />
                    <span>{l.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
