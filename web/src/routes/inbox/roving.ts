// One Tab stop for the whole chat (WAI-ARIA "roving tabindex"): the message list is reached with Tab, ↑/↓ (Home/End)
// move between messages, and only the message in focus has its actions (reply, react, links, players) in the Tab
// order — a chat of 200 messages is not 400 Tab presses between the list and the composer.
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

const ROW = '.msg-row';
const ACTIONABLE = 'button, a[href], audio, video, input, [tabindex]:not(.msg-row)';

function apply(box: HTMLElement, active: Element | null) {
  for (const row of box.querySelectorAll<HTMLElement>(ROW)) {
    const on = row === active;
    row.tabIndex = -1;
    for (const el of row.querySelectorAll<HTMLElement>(ACTIONABLE)) el.tabIndex = on ? 0 : -1;
  }
}

export function useRovingMessages(ref: RefObject<HTMLElement>) {
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    // Whatever renders into the list (new messages, a player once its file loads) starts outside the Tab order;
    // the active message keeps its actions.
    const sync = () => apply(box, box.querySelector(`${ROW}[data-active]`));
    sync();
    const observer = new MutationObserver(sync);
    observer.observe(box, { childList: true, subtree: true });
    const rows = () => [...box.querySelectorAll<HTMLElement>(ROW)];
    const activate = (row: HTMLElement | undefined) => {
      if (!row) return;
      box.querySelector(`${ROW}[data-active]`)?.removeAttribute('data-active');
      row.setAttribute('data-active', '');
      apply(box, row);
      row.focus();
      row.scrollIntoView({ block: 'nearest' });
    };
    const onKey = (e: KeyboardEvent) => {
      if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target as HTMLElement;
      // Players and fields keep their own arrow keys.
      if (target.closest('audio, video, input, textarea, select, [role=menu], [role=dialog], dialog')) return;
      const list = rows();
      if (list.length === 0) return;
      const current = target.closest<HTMLElement>(ROW);
      const i = current ? list.indexOf(current) : -1;
      const next =
        e.key === 'Home' ? list[0] : e.key === 'End' ? list[list.length - 1] : i < 0 ? list[list.length - 1] : list[e.key === 'ArrowUp' ? Math.max(0, i - 1) : Math.min(list.length - 1, i + 1)];
      e.preventDefault();
      activate(next);
    };
    box.addEventListener('keydown', onKey);
    return () => {
      observer.disconnect();
      box.removeEventListener('keydown', onKey);
    };
  }, []);
}
