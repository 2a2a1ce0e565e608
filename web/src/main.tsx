import { effect, untracked } from '@preact/signals';
import { render } from 'preact';
import { App } from './app';
import { locale } from './i18n';
import { openChat } from './state/chat';
import { forgetTemplates } from './state/content';
import { startInbox, stopInbox } from './state/inbox';
import { loadMembers, resetMembers } from './state/members';
import { startRealtime, stopRealtime } from './state/realtime';
import { authStatus, boot } from './state/session';
import './styles.css';

document.documentElement.lang = locale.value;

// Logged in: live updates and the inbox run for the whole session, whatever page is shown.
effect(() => {
  const status = authStatus.value;
  untracked(() => {
    if (status === 'authed') {
      startRealtime();
      startInbox();
      void loadMembers();
    } else if (status === 'anon') {
      openChat(null);
      stopInbox();
      stopRealtime();
      resetMembers();
      forgetTemplates();
    }
  });
});

void boot();
render(<App />, document.getElementById('app')!);
