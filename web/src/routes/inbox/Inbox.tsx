// The three panes: conversation list | chat | contact. On phones one pane at a time: the list at /inbox, the chat
// at /inbox/:id (with a back button), the contact details as an overlay.
import { signal } from '@preact/signals';
import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { currentChat, openChat, type ChatStore } from '../../state/chat';
import { openId } from '../../state/inbox';
import { Chat } from './Chat';
import type { ContactPanel as Panel } from './ContactPanel';
import { ConversationList } from './ConversationList';
import { Onboarding } from '../../components/Onboarding';
import { ShortcutsDialog, useInboxShortcuts } from './Shortcuts';

const wide = () => typeof matchMedia !== 'undefined' && matchMedia('(min-width: 1200px)').matches;
/** The contact pane: open by default where there is room for it. */
export const contactOpen = signal(wide());

// The contact pane (labels, attributes, deals) is its own chunk: the list shows without it, and it is fetched
// when the browser is idle or a chat opens, whichever comes first.
let panelModule: Promise<typeof Panel> | null = null;
let LoadedPanel: typeof Panel | null = null;
function loadPanel() {
  panelModule ??= import('./ContactPanel').then((m) => (LoadedPanel = m.ContactPanel));
  return panelModule;
}

function LazyContactPanel({ store }: { store: ChatStore }) {
  const [Loaded, setLoaded] = useState(() => LoadedPanel);
  useEffect(() => {
    if (!Loaded) void loadPanel().then((c) => setLoaded(() => c));
  }, []);
  return Loaded ? <Loaded store={store} /> : <aside class="pane-contact" aria-busy="true" aria-label={t('contact.title')} />;
}

export function Inbox() {
  const { params } = useRoute();
  const id = params.id ?? null;

  useEffect(() => {
    openId.value = id;
    openChat(id);
    if (!wide()) contactOpen.value = false;
  }, [id]);
  useEffect(
    () => () => {
      openId.value = null;
      openChat(null);
    },
    [],
  );
  useEffect(() => {
    document.title = `${t('inbox.title')} · ${t('app.name')}`;
  });
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
    idle(() => void loadPanel().catch(() => {}));
  }, []);

  useInboxShortcuts();

  const chat = currentChat.value;
  return (
    <div class="inbox" data-view={id ? 'chat' : 'list'} data-contact={id && contactOpen.value ? 'open' : 'closed'}>
      <ConversationList />
      <section class="pane-chat" aria-label={t('chat.messages')}>
        {id && chat && chat.id === id ? (
          <Chat key={id} store={chat} />
        ) : (
          <div class="empty-chat">
            <Onboarding />
            <span class="brand-mark brand-mark-lg" aria-hidden="true">C</span>
            <p>{t('inbox.pick')}</p>
          </div>
        )}
      </section>
      {id && chat && chat.id === id && contactOpen.value && chat.status.value === 'ready' && <LazyContactPanel store={chat} />}
      <ShortcutsDialog />
    </div>
  );
}
