// The chat pane: header with the conversation actions, the message history (infinite scroll up, day separators,
// kept pinned to the bottom while messages stream in), who is typing, and the composer.
import { signal } from '@preact/signals';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isShortcut } from '../../state/keyboard';
import { EarlierConversations } from './EarlierConversations';
import { ImageViewer } from './ImageViewer';
import { PdfViewer } from './PdfViewer';
import { IconBack, IconInfo } from '../../components/icons';
import { errorText, t } from '../../i18n';
import { contactName, dateTime, dayKey, dayLabel, formatPhone, initials } from '../../lib/format';
import { messageAt, type ChatMessage, type ChatStore } from '../../state/chat';
import { ScheduledList } from './ScheduleMessage';
import { now } from '../../state/clock';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { memberName, memberNameOrLoad, members } from '../../state/members';
import { isStaff, userId } from '../../state/session';
import { useDismiss } from '../../lib/dismiss';
import { focusMessage } from '../../state/search';
import { Composer } from './Composer';
import { contactOpen } from './Inbox';
import { LegalHold } from './LegalHold';
import { MessageItem } from './MessageItem';
import { useRovingMessages } from './roving';

/** What the composer is replying to (one chat open at a time). */
export const replyTo = signal<ChatMessage | null>(null);

export function Chat({ store }: { store: ChatStore }) {
  const status = store.status.value;
  useEffect(() => {
    replyTo.value = null;
  }, [store]);

  if (status === 'loading') {
    return (
      <div class="chat chat-loading" aria-busy="true">
        <p>{t('common.loading')}</p>
      </div>
    );
  }
  if (status !== 'ready') {
    const msg =
      status === 'forbidden' ? t('chat.forbidden') : status === 'notfound' ? t('chat.notFound') : status === 'erased' ? t('chat.erased') : errorText(store.error.value);
    return (
      <div class="chat chat-blocked">
        <a class="btn btn-ghost back-link" href="/inbox">
          <IconBack /> {t('chat.back')}
        </a>
        <p class="alert alert-error" role="alert" data-testid="chat-error">
          {msg}
        </p>
      </div>
    );
  }
  return (
    <div class="chat" data-testid="chat">
      <ChatHeader store={store} />
      <MessageList store={store} />
      <Typing store={store} />
      <Composer store={store} />
      <ImageViewer />
      <PdfViewer />
    </div>
  );
}

function ChatHeader({ store }: { store: ChatStore }) {
  const c = store.conversation.value!;
  const name = contactName(c.contact);
  const me = userId.value;
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const snoozeRef = useRef<HTMLDivElement>(null);
  useDismiss(snoozeRef, snoozeOpen, () => setSnoozeOpen(false), () => snoozeRef.current?.querySelector('button'));
  useEffect(() => {
    if (snoozeOpen) snoozeRef.current?.querySelector<HTMLButtonElement>('#snooze-menu button')?.focus();
  }, [snoozeOpen]);
  const [busy, setBusy] = useState(false);
  const act = async (body: Parameters<ChatStore['update']>[0]) => {
    setBusy(true);
    setSnoozeOpen(false);
    await store.update(body);
    setBusy(false);
  };
  const snoozeUntil = (kind: '1h' | '3h' | 'tomorrow' | 'week') => {
    const d = new Date();
    if (kind === '1h') d.setHours(d.getHours() + 1);
    else if (kind === '3h') d.setHours(d.getHours() + 3);
    else {
      d.setDate(d.getDate() + (kind === 'tomorrow' ? 1 : 7));
      d.setHours(9, 0, 0, 0);
    }
    void act({ status: 'snoozed', snoozedUntil: d.toISOString() });
  };
  const resolved = c.status === 'resolved';
  const snoozed = c.status === 'snoozed';
  const pending = c.status === 'pending';
  // "e" resolves, "a" takes the conversation (shortcuts, shown behind "?").
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e) || busy) return;
      const current = store.conversation.value;
      if (!current) return;
      if (e.key === 'e' && current.status !== 'resolved') {
        e.preventDefault();
        void act({ status: 'resolved' });
      } else if (e.key === 'a' && current.assigneeId !== me) {
        e.preventDefault();
        void act({ assigneeId: me });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  return (
    <header class="chat-head">
      <a class="icon-btn chat-back" href="/inbox" aria-label={t('chat.back')}>
        <IconBack />
      </a>
      <span class="avatar" aria-hidden="true">
        {initials(name)}
      </span>
      <div class="chat-title">
        <h2 data-testid="chat-title">{name}</h2>
        <p class="muted">
          {formatPhone(c.contact.phone ?? c.contact.waId)}
          {' · '}
          <span class={`chip chip-${c.status}`} data-testid="chat-status">
            {t(`status.${c.status}`)}
          </span>
          {snoozed && c.snoozedUntil && <span class="muted"> {t('chat.snoozedUntil', { time: dateTime(c.snoozedUntil) })}</span>}
        </p>
      </div>
      <div class="chat-actions" role="group" aria-label={t('chat.actions')}>
        <LegalHold conversationId={c.id} />
        <DepartmentSelect
          label={t('departments.transfer')}
          value={c.departmentId ?? ''}
          leading={[{ value: '', label: t('departments.general') }]}
          onChange={(departmentId) => void act({ departmentId })}
          disabled={busy}
          testId="chat-department"
        />
        {isStaff.value ? (
          <label class="field-inline">
            <span class="sr-only">{t('chat.assign')}</span>
            <select
              value={c.assigneeId ?? ''}
              disabled={busy}
              onChange={(e) => void act({ assigneeId: e.currentTarget.value || null })}
              data-testid="assignee"
              title={t('chat.assign')}
            >
              <option value="">{t('chat.unassign')}</option>
              {(members.value ?? []).map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name ?? m.email}
                  {m.userId === me ? ` (${t('common.you')})` : ''}
                </option>
              ))}
              {c.assigneeId && !members.value?.some((m) => m.userId === c.assigneeId) && <option value={c.assigneeId}>{memberName(c.assigneeId) ?? '…'}</option>}
            </select>
          </label>
        ) : c.assigneeId === null ? (
          <button type="button" class="btn btn-small" disabled={busy} onClick={() => void act({ assigneeId: me })}>
            {t('chat.assignToMe')}
          </button>
        ) : (
          <span class="chip">{t('inbox.assignedToYou')}</span>
        )}
        {resolved || snoozed ? (
          <button type="button" class="btn btn-small" disabled={busy} onClick={() => void act({ status: 'open' })} data-testid="reopen">
            {t('chat.reopen')}
          </button>
        ) : (
          <>
            {pending && (
              <button type="button" class="btn btn-small" disabled={busy} onClick={() => void act({ status: 'open' })} data-testid="reopen">
                {t('chat.reopen')}
              </button>
            )}
            <button type="button" class="btn btn-small btn-primary" disabled={busy} onClick={() => void act({ status: 'resolved' })} data-testid="resolve">
              {t('chat.resolve')}
            </button>
            <div class="menu-wrap" ref={snoozeRef}>
              <button type="button" class="btn btn-small" aria-expanded={snoozeOpen} aria-controls="snooze-menu" onClick={() => setSnoozeOpen(!snoozeOpen)}>
                {t('chat.snooze')}
              </button>
              {snoozeOpen && (
                <ul class="menu" id="snooze-menu">
                  {(['1h', '3h', 'tomorrow', 'week'] as const).map((k) => (
                    <li key={k}>
                      <button type="button" onClick={() => snoozeUntil(k)}>
                        {t(k === '1h' ? 'chat.snooze1h' : k === '3h' ? 'chat.snooze3h' : k === 'tomorrow' ? 'chat.snoozeTomorrow' : 'chat.snoozeWeek')}
                      </button>
                    </li>
                  ))}
                  {!pending && (
                    <li class="menu-sep">
                      <button
                        type="button"
                        onClick={() => {
                          setSnoozeOpen(false);
                          void act({ status: 'pending' });
                        }}
                        data-testid="mark-pending"
                      >
                        {t('chat.markPending')}
                      </button>
                    </li>
                  )}
                </ul>
              )}
            </div>
          </>
        )}
        <button
          type="button"
          class="icon-btn"
          aria-label={t('chat.contactInfo')}
          aria-pressed={contactOpen.value}
          title={t('chat.contactInfo')}
          onClick={() => (contactOpen.value = !contactOpen.value)}
          data-testid="contact-toggle"
        >
          <IconInfo />
        </button>
      </div>
      {store.actionError.value && (
        <p class="alert alert-error chat-head-error" role="alert">
          {store.actionError.value}
        </p>
      )}
    </header>
  );
}

function MessageList({ store }: { store: ChatStore }) {
  const ref = useRef<HTMLDivElement>(null);
  useRovingMessages(ref);
  const messages = store.messages.value;
  const snapshot = useRef<{ height: number; top: number; atBottom: boolean; first: string | undefined; last: string | undefined; count: number } | null>(null);
  const [unseen, setUnseen] = useState(0);
  const canReply = store.windowOpen.value;

  // Read the scroll position of the DOM as it is before this render changes it.
  const el = ref.current;
  if (el) {
    snapshot.current = {
      height: el.scrollHeight,
      top: el.scrollTop,
      atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 80,
      first: snapshot.current?.first,
      last: snapshot.current?.last,
      count: snapshot.current?.count ?? 0,
    };
  }

  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const snap = snapshot.current;
    const first = messages[0]?.id;
    const lastMsg = messages[messages.length - 1];
    if (!snap || snap.count === 0 || (lastMsg?.local?.state === 'sending' && lastMsg.id !== snap.last)) {
      // First render, or the person just sent something: show the bottom.
      box.scrollTop = box.scrollHeight;
    } else if (snap.first !== first && messages.length > snap.count) {
      // Older messages were added above: keep what the person was reading where it was.
      box.scrollTop = snap.top + (box.scrollHeight - snap.height);
    } else if (snap.atBottom) {
      box.scrollTop = box.scrollHeight;
    } else if (messages.length > snap.count) {
      setUnseen((n) => n + (messages.length - snap.count));
    }
    snapshot.current = { height: box.scrollHeight, top: box.scrollTop, atBottom: snap?.atBottom ?? true, first, last: lastMsg?.id, count: messages.length };
  }, [messages]);

  const onScroll = () => {
    const box = ref.current;
    if (!box) return;
    if (box.scrollHeight - box.scrollTop - box.clientHeight < 80 && unseen) setUnseen(0);
    if (box.scrollTop < 300 && store.olderCursor.value && !store.loadingOlder.value) void store.loadOlder();
  };

  // A short first page may not fill the pane: load more until it scrolls (or history ends).
  useEffect(() => {
    const box = ref.current;
    if (box && box.scrollHeight <= box.clientHeight + 10 && store.olderCursor.value && !store.loadingOlder.value) void store.loadOlder();
  }, [messages]);

  const onReply = useCallback((m: ChatMessage) => {
    replyTo.value = m;
    document.getElementById('composer-input')?.focus();
  }, []);
  const onRetry = useCallback((m: ChatMessage) => store.retry(m), [store]);
  const onReact = useCallback((m: ChatMessage, emoji: string) => void store.react(m.id, emoji), [store]);
  const onImportant = useCallback((m: ChatMessage, important: boolean) => void store.markImportant(m.id, important), [store]);
  const onJump = useCallback((id: string) => {
    const target = document.getElementById(`msg-${id}`);
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    target?.classList.add('msg-flash');
    setTimeout(() => target?.classList.remove('msg-flash'), 1200);
  }, []);

  // Opened from a search result: show that message (when it is among those loaded), once.
  useEffect(() => {
    const id = focusMessage.value;
    if (!id || messages.length === 0) return;
    focusMessage.value = null;
    if (messages.some((m) => m.id === id)) onJump(id);
  }, [messages, focusMessage.value]);

  const byId = new Map(messages.map((m) => [m.id, m]));
  const byProvider = new Map(messages.filter((m) => m.providerMessageId).map((m) => [m.providerMessageId!, m]));
  const items: preact.JSX.Element[] = [];
  let lastDay = '';
  for (const m of messages) {
    const day = dayKey(messageAt(m));
    if (day !== lastDay) {
      lastDay = day;
      items.push(
        <div class="day-sep" key={`d-${day}`} role="separator">
          <span>{dayLabel(messageAt(m), now.value)}</span>
        </div>,
      );
    }
    const quoted = m.replyToMessageId ? (byId.get(m.replyToMessageId) ?? null) : m.replyToProviderId ? (byProvider.get(m.replyToProviderId) ?? null) : undefined;
    items.push(<MessageItem key={m.clientId ?? m.id} m={m} quoted={quoted} canReply={canReply} onReply={onReply} onRetry={onRetry} onJump={onJump} onReact={onReact} onImportant={onImportant} />);
  }

  return (
    <div class="messages-wrap">
      <div class="messages" ref={ref} onScroll={onScroll} role="log" aria-label={t('chat.messages')} aria-relevant="additions" tabIndex={0} data-testid="messages">
        <p class="history-edge" aria-live="polite">
          {store.loadingOlder.value ? t('chat.loadingOlder') : !store.olderCursor.value ? t('chat.beginning') : ''}
        </p>
        {!store.olderCursor.value && !store.loadingOlder.value && store.conversation.value && (
          <EarlierConversations contactId={store.conversation.value.contact.id} currentId={store.id} currentCreatedAt={store.conversation.value.createdAt} />
        )}
        {items}
        <ScheduledList store={store} />
      </div>
      {unseen > 0 && (
        <button
          type="button"
          class="new-pill"
          onClick={() => {
            const box = ref.current;
            if (box) box.scrollTop = box.scrollHeight;
            setUnseen(0);
          }}
        >
          {t('chat.newMessages')} ({unseen}) ↓
        </button>
      )}
    </div>
  );
}

function Typing({ store }: { store: ChatStore }) {
  const who = Object.keys(store.typing.value);
  const name = who.length ? memberNameOrLoad(who[0]) : null;
  return (
    <p class="typing" aria-live="polite">
      {who.length === 0 ? '' : name ? t('chat.typing', { name }) : t('chat.someoneTyping')}
    </p>
  );
}
