import { effect, untracked } from '@preact/signals';
import { render } from 'preact';
import { App } from './app';
import { locale } from './i18n';
import { openChat } from './state/chat';
import { forgetTemplates } from './state/content';
import { startAttention } from './state/attention';
import { startInbox, stopInbox } from './state/inbox';
import { loadMembers, resetMembers } from './state/members';
import { startRealtime, stopRealtime } from './state/realtime';
import { authStatus, boot } from './state/session';
import './styles.css';

document.documentElement.lang = locale.value;

// Logged in: live updates and the inbox run for the whole session, whatever page is shown.
let stopAttention: (() => void) | null = null;
effect(() => {
  const status = authStatus.value;
  untracked(() => {
    if (status === 'authed') {
      startRealtime();
      // Before the inbox: it compares each update with the list's row as it was.
      stopAttention ??= startAttention();
      startInbox();
      void loadMembers();
    } else if (status === 'anon') {
      openChat(null);
      stopInbox();
      stopAttention?.();
      stopAttention = null;
      stopRealtime();
      resetMembers();
      forgetTemplates();
    }
  });
});

void boot();
render(<App />, document.getElementById('app')!);
