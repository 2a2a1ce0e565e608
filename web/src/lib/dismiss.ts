import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/** Closes a popup (menu, emoji grid) on a click outside `ref` or on Escape, then gives focus back to `returnTo`. */
export function useDismiss(ref: RefObject<HTMLElement>, open: boolean, close: () => void, returnTo?: () => HTMLElement | null | undefined) {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) close();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      close();
      returnTo?.()?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
}
