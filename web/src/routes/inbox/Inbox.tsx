// The three panes: conversation list | chat | contact. On phones one pane at a time: the list at /inbox, the chat
// at /inbox/:id (with a back button), the contact details as an overlay.
import { signal } from '@preact/signals';
import { useRoute } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { t } from '../../i18n';
import { currentChat, openChat } from '../../state/chat';
import { openId } from '../../state/inbox';
import { Chat } from './Chat';
import { ContactPanel } from './ContactPanel';
import { ConversationList } from './ConversationList';

const wide = () => typeof matchMedia !== 'undefined' && matchMedia('(min-width: 1200px)').matches;
/** The contact pane: open by default where there is room for it. */
export const contactOpen = signal(wide());

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

  const chat = currentChat.value;
  return (
    <div class="inbox" data-view={id ? 'chat' : 'list'} data-contact={id && contactOpen.value ? 'open' : 'closed'}>
      <ConversationList />
      <section class="pane-chat" aria-label={t('chat.messages')}>
        {id && chat && chat.id === id ? (
          <Chat key={id} store={chat} />
        ) : (
          <div class="empty-chat">
            <span class="brand-mark brand-mark-lg" aria-hidden="true">C</span>
            <p>{t('inbox.pick')}</p>
          </div>
        )}
      </section>
      {id && chat && chat.id === id && contactOpen.value && chat.status.value === 'ready' && <ContactPanel store={chat} />}
    </div>
  );
}
