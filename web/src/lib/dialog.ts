// A <dialog> shown as modal while there is something to show (the viewers over the chat): showModal gives the focus
// trap, Escape and the backdrop for free; closing it is the `close` event's job (focus back to the opener).
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

export function useModal(ref: RefObject<HTMLDialogElement>, shown: boolean) {
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (shown && !dialog.open) dialog.showModal();
    if (!shown && dialog.open) dialog.close();
  }, [shown]);
}
