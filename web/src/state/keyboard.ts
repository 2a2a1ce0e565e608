// Keyboard use of the inbox: shortcuts (listed behind "?"), and the hand-over of focus from the conversation list to
// the composer when a conversation is opened with Enter.
import { signal } from '@preact/signals';

/** Set by Enter on a conversation in the list: the chat that opens next puts the focus in its composer. */
export const focusComposerOnOpen = signal(false);

/** The shortcuts help dialog is open. */
export const shortcutsOpen = signal(false);

/** A key pressed while typing (or with a modifier, or in a dialog) is not a shortcut. */
export function isShortcut(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return false;
  // A dialog (shortcuts, photo viewer) has its own keys. The DOM knows at once; its close event comes a task later.
  if (typeof document !== 'undefined' && document.querySelector('dialog[open]')) return false;
  const el = e.target as HTMLElement | null;
  if (!el) return true;
  if (el.isContentEditable) return false;
  return !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export const SHORTCUTS = [
  { keys: ['j'], what: 'keys.next' },
  { keys: ['k'], what: 'keys.previous' },
  { keys: ['↓', '↑'], what: 'keys.list' },
  { keys: ['Enter'], what: 'keys.open' },
  { keys: ['r'], what: 'keys.reply' },
  { keys: ['n'], what: 'keys.note' },
  { keys: ['e'], what: 'keys.resolve' },
  { keys: ['a'], what: 'keys.assign' },
  { keys: ['/'], what: 'keys.search' },
  { keys: ['?'], what: 'keys.help' },
  { keys: ['Esc'], what: 'keys.close' },
] as const;
