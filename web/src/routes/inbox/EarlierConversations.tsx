// A returning customer's earlier conversations, above the current one: at the beginning of the chat, "Ver a conversa
// anterior" loads the previous one (read only), with a separator that says when it was and how it ended; again for the
// one before. Only conversations the user may read are offered.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../api/client';
import type { ContactConversation, ContactDetail } from '../../api/crm';
import type { Message, Page } from '../../api/types';
import { t } from '../../i18n';
import { dateTime } from '../../lib/format';
import { MessageItem } from './MessageItem';

const noop = () => {};

export function EarlierConversations({ contactId, currentId, currentCreatedAt }: { contactId: string; currentId: string; currentCreatedAt: string | undefined }) {
  const [earlier, setEarlier] = useState<ContactConversation[] | null>(null);
  const [shown, setShown] = useState<{ conversation: ContactConversation; messages: Message[] }[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<ContactDetail>(`/api/v1/contacts/${contactId}`).then(
      (d) =>
        setEarlier(
          d.conversations
            .filter((c) => c.id !== currentId && (!currentCreatedAt || c.createdAt < currentCreatedAt))
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        ),
      () => setEarlier([]),
    );
  }, [contactId, currentId]);

  const next = earlier?.[shown.length];
  const loadNext = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const page = await get<Page<Message>>(`/api/v1/conversations/${next.id}/messages?limit=100`);
      setShown([...shown, { conversation: next, messages: [...page.data].reverse() }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="earlier" data-testid="earlier">
      {next && (
        <button type="button" class="btn btn-small btn-ghost earlier-load" onClick={() => void loadNext()} disabled={busy} data-testid="earlier-load">
          {t('chat.earlier', { date: dateTime(next.createdAt) })}
        </button>
      )}
      {[...shown].reverse().map(({ conversation, messages }) => (
        <section key={conversation.id} class="earlier-conv" aria-label={t('chat.earlierLabel', { date: dateTime(conversation.createdAt) })} data-testid="earlier-conversation">
          <div class="conv-sep" role="separator">
            <span>
              {t('chat.earlierLabel', { date: dateTime(conversation.createdAt) })} · {t(`status.${conversation.status}`)}{' '}
              <a href={`/inbox/${conversation.id}`}>{t('chat.earlierOpen')}</a>
            </span>
          </div>
          {messages.map((m) => (
            <MessageItem key={m.id} m={m} quoted={undefined} canReply={false} onReply={noop} onRetry={noop} onJump={noop} onReact={noop} />
          ))}
        </section>
      ))}
      {shown.length > 0 && (
        <div class="conv-sep conv-sep-current" role="separator">
          <span>{t('chat.thisConversation')}</span>
        </div>
      )}
    </div>
  );
}
