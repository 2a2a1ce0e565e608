// What the list pane shows while the search box has text: matching messages (snippet with the matched words marked,
// opening the conversation) and matching contacts (opening the contact). Snippets are rendered from the server's
// parts as text: never as HTML.
import type { ContactHit, MessageHit } from '../../api/types';
import { errorText, t } from '../../i18n';
import { contactName, formatPhone, initials, shortRelative } from '../../lib/format';
import { now } from '../../state/clock';
import { openId } from '../../state/inbox';
import { clearSearch, focusMessage, searchState, searchText } from '../../state/search';

export function SearchResults({ onKeyDown }: { onKeyDown(e: KeyboardEvent): void }) {
  const state = searchState.value;
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      clearSearch();
      document.querySelector<HTMLInputElement>('[data-testid=search]')?.focus();
      return;
    }
    onKeyDown(e);
  };

  if (state.status === 'error') {
    return (
      <div class="list-empty" role="alert">
        <p>{errorText(state.error)}</p>
      </div>
    );
  }
  if (state.status !== 'ready') {
    return (
      <p class="list-empty" aria-busy="true" role="status">
        {t('search.searching')}
      </p>
    );
  }
  const { messages, contacts } = state.result;
  if (messages.length === 0 && contacts.length === 0) {
    return (
      <div class="list-empty" role="status">
        <p>{t('search.none', { q: searchText.value.trim() })}</p>
      </div>
    );
  }
  return (
    <div class="search-results" onKeyDown={keys} data-testid="search-results">
      <p class="sr-only" role="status">
        {t('search.summary', { messages: messages.length, contacts: contacts.length })}
      </p>
      {messages.length > 0 && (
        <section aria-labelledby="search-messages">
          <h2 class="results-head" id="search-messages">
            {t('search.messages')}
          </h2>
          <ul class="conv-list">
            {messages.map((m) => (
              <MessageResult key={m.id} hit={m} />
            ))}
          </ul>
        </section>
      )}
      {contacts.length > 0 && (
        <section aria-labelledby="search-contacts">
          <h2 class="results-head" id="search-contacts">
            {t('search.contacts')}
          </h2>
          <ul class="conv-list">
            {contacts.map((c) => (
              <ContactResult key={c.id} hit={c} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function MessageResult({ hit }: { hit: MessageHit }) {
  const name = contactName({ ...hit.contact, waId: null });
  return (
    <li>
      <a
        class="conv"
        href={`/inbox/${hit.conversationId}`}
        aria-current={openId.value === hit.conversationId ? 'page' : undefined}
        data-testid="search-message"
        data-conversation-id={hit.conversationId}
        onClick={() => (focusMessage.value = hit.id)}
      >
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span class="conv-main">
          <span class="conv-top">
            <span class="conv-name">{name}</span>
            <time class="conv-time" dateTime={hit.createdAt}>
              {shortRelative(hit.createdAt, now.value)}
            </time>
          </span>
          <span class="snippet">
            {hit.isPrivate && <span class="chip chip-note">{t('chat.note')}</span>}{' '}
            {hit.snippetParts.map((p, i) => (p.highlight ? <mark key={i}>{p.text}</mark> : p.text))}
          </span>
        </span>
      </a>
    </li>
  );
}

function ContactResult({ hit }: { hit: ContactHit }) {
  const name = contactName(hit);
  return (
    <li>
      <a class="conv" href={`/contacts/${hit.id}`} data-testid="search-contact">
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span class="conv-main">
          <span class="conv-name">{name}</span>
          <span class="conv-preview">{[hit.phone ? formatPhone(hit.phone) : null, hit.email].filter(Boolean).join(' · ')}</span>
        </span>
      </a>
    </li>
  );
}
