// One message bubble: quoted reply, body by kind (text, media, location, template …), time, delivery ticks with the
// failure reason, reactions, and a reply button. Private notes are yellow and say so.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { bytes, dateTime, timeOfDay } from '../../lib/format';
import './legal-hold.css';
import { mediaBlobUrl } from '../../lib/media';
import { RichText } from '../../lib/text';
import { messageAt, type ChatMessage } from '../../state/chat';
import { memberName } from '../../state/members';
import { userId } from '../../state/session';
import { openViewer } from './ImageViewer';
import { isPdf, openPdf } from './PdfViewer';
import { ReactionButton } from './ReactionButton';
import type { Activity } from '../../../../worker/domain/activity';
import {
  IconAlert, IconCheck, IconClock, IconDoubleCheck, IconFile, IconLock, IconPin, IconReply, IconTemplate,
} from '../../components/icons';

interface Props {
  m: ChatMessage;
  quoted: ChatMessage | null | undefined;
  canReply: boolean;
  onReply(m: ChatMessage): void;
  onRetry(m: ChatMessage): void;
  onJump(id: string): void;
  onReact(m: ChatMessage, emoji: string): void;
  /** Marks or unmarks the message as important (retention keeps its conversation). */
  onImportant?(m: ChatMessage, important: boolean): void;
}

export function MessageItem({ m, quoted, canReply, onReply, onRetry, onJump, onReact, onImportant }: Props) {
  if (m.kind === 'system' && m.payload?.activity) return <ActivityEvent m={m} />;
  const outbound = m.direction === 'outbound';
  const failed = m.local?.state === 'failed' || m.status === 'failed';
  // Our agents' names on their messages; in a group chat (Evolution), each participant's name on theirs; a message typed
  // on the business's own phone says so.
  const participant = m.payload?.sender as { id?: string; name?: string } | undefined;
  const fromPhone = outbound && !m.senderUserId && m.payload?.provider === 'evolution' && !m.payload?.history;
  const sender = m.payload?.automatic
    ? t('chat.automatic')
    : outbound && m.senderUserId && m.senderUserId !== userId.value
      ? memberName(m.senderUserId)
      : !outbound && participant
        ? (participant.name ?? participant.id ?? null)
        : fromPhone
          ? t('chat.fromPhone')
          : null;
  const cls = ['msg', outbound ? 'msg-out' : 'msg-in', m.isPrivate ? 'msg-note' : '', failed ? 'msg-failed' : '', m.kind === 'system' ? 'msg-system' : '']
    .filter(Boolean)
    .join(' ');
  const hasReply = m.replyToMessageId || m.replyToProviderId;
  return (
    <div class="msg-row" data-direction={m.direction}>
      <article
        class={cls}
        id={`msg-${m.id}`}
        data-testid="message"
        data-status={m.local?.state === 'sending' ? 'queued' : m.local?.state === 'failed' ? 'failed' : m.status}
        data-kind={m.kind}
        data-private={m.isPrivate ? 'true' : undefined}
        aria-label={m.isPrivate ? t('chat.note') : undefined}
      >
        {m.isPrivate && (
          <p class="msg-label">
            <IconLock width="14" height="14" />
            {t('chat.note')}
            {sender && ` · ${sender}`}
          </p>
        )}
        {!m.isPrivate && sender && (
          <p class={m.payload?.automatic ? 'msg-sender msg-automatic' : 'msg-sender'} data-testid={m.payload?.automatic ? 'automatic' : undefined}>
            {sender}
          </p>
        )}
        {Boolean(m.payload?.forwarded) && <p class="msg-forwarded">{t('chat.forwarded')}</p>}
        {hasReply && (
          <button
            type="button"
            class="quote"
            onClick={() => quoted && onJump(quoted.id)}
            disabled={!quoted}
            aria-label={`${t('chat.quoted')}: ${quoted ? previewOf(quoted) : t('chat.quotedUnknown')}`}
          >
            <span class="quote-who">{quoted ? (quoted.direction === 'inbound' ? t('chat.customer') : t('chat.you')) : t('chat.quoted')}</span>
            <span class="quote-text">{quoted ? previewOf(quoted) : t('chat.quotedUnknown')}</span>
          </button>
        )}
        <Body m={m} />
        <footer class="msg-meta">
          <time dateTime={messageAt(m)} title={dateTime(messageAt(m))}>
            {timeOfDay(messageAt(m))}
          </time>
          {outbound && !m.isPrivate && <Ticks m={m} />}
          {m.importantAt && (
            <span class="msg-important" title={t('chat.importantBy', { who: (m.importantBy && memberName(m.importantBy)) || t('activity.someone'), date: dateTime(m.importantAt) })} data-testid="message-important">
              ★ {t('chat.important')}
            </span>
          )}
        </footer>
        {m.local?.state === 'failed' && (
          <p class="msg-failure">
            <span>{m.local.error}</span>
            <button type="button" class="btn btn-small" onClick={() => onRetry(m)}>
              {t('chat.retrySend')}
            </button>
          </p>
        )}
        {m.reactions.length > 0 && (
          <ul class="reactions" aria-label={t('chat.reactions')} data-testid="reactions">
            {m.reactions.map((r, i) => {
              const who = r.contactId === null ? t('reactions.byBusiness') : t('reactions.byCustomer');
              return (
                <li key={i} title={who} data-by={r.contactId === null ? 'business' : 'customer'}>
                  {r.emoji}
                  <span class="sr-only"> ({who})</span>
                </li>
              );
            })}
          </ul>
        )}
      </article>
      {canReply && !m.local && !m.isPrivate && m.kind !== 'system' && m.kind !== 'reaction' && (
        <div class="msg-actions">
          <button type="button" class="icon-btn msg-action" aria-label={`${t('chat.reply')}: ${previewOf(m)}`} title={t('chat.reply')} onClick={() => onReply(m)}>
            <IconReply />
          </button>
          {!m.deletedAt && (
            <ReactionButton messageId={m.id} current={m.reactions.find((r) => r.contactId === null)?.emoji ?? null} preview={previewOf(m)} onReact={(emoji) => onReact(m, emoji)} />
          )}
          {!m.deletedAt && onImportant && (
            <button
              type="button"
              class="icon-btn msg-action"
              aria-pressed={m.importantAt !== null}
              aria-label={`${m.importantAt ? t('chat.unmarkImportant') : t('chat.markImportant')}: ${previewOf(m)}`}
              title={m.importantAt ? t('chat.unmarkImportant') : t('chat.markImportant')}
              onClick={() => onImportant(m, m.importantAt === null)}
              data-testid="mark-important"
            >
              {m.importantAt ? '★' : '☆'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

export function previewOf(m: ChatMessage): string {
  if (m.body) return m.body.length > 120 ? `${m.body.slice(0, 120)}…` : m.body;
  if (m.media) return m.media.filename ?? m.kind;
  return m.kind;
}

function Body({ m }: { m: ChatMessage }) {
  if (m.deletedAt || m.payload?.revoked) return <p class="msg-text muted" data-testid="revoked">{t('chat.deleted')}</p>;
  switch (m.kind) {
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return (
        <>
          <Media m={m} />
          {m.body && !(m.kind === 'document' && m.body === m.media?.filename) && (
            <p class="msg-text">
              <RichText text={m.body} />
            </p>
          )}
        </>
      );
    case 'location': {
      const loc = m.payload.location as { latitude?: number; longitude?: number } | undefined;
      const href = loc?.latitude !== undefined ? `https://www.openstreetmap.org/?mlat=${loc.latitude}&mlon=${loc.longitude}#map=16/${loc.latitude}/${loc.longitude}` : null;
      return (
        <p class="msg-text msg-location">
          <IconPin />
          <span>
            <strong>{t('chat.location')}</strong>
            {m.body && <span> · {m.body}</span>}
            {href && (
              <>
                {' '}
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {t('chat.openMap')}
                </a>
              </>
            )}
          </span>
        </p>
      );
    }
    case 'template': {
      const tpl = m.payload.template as { name?: string; components?: { parameters?: { text?: string }[] }[] } | undefined;
      const params = (tpl?.components ?? []).flatMap((c) => (c.parameters ?? []).map((p) => p.text)).filter(Boolean);
      // What the customer read (the server renders the synced template with its parameters), under the template's name.
      const text = m.body ?? params.join(' · ');
      return (
        <div class="msg-template">
          <p class="msg-template-name">
            <IconTemplate width="14" height="14" />
            {t('template.pick')}: <code>{tpl?.name ?? '—'}</code>
          </p>
          {text && (
            <p class="msg-text">
              <RichText text={text} />
            </p>
          )}
        </div>
      );
    }
    case 'system':
      return <p class="msg-text">{m.body ?? t('chat.system')}</p>;
    case 'unsupported':
      return <p class="msg-text muted">{m.body ?? t('chat.unsupported')}</p>;
    case 'reaction':
      return <p class="msg-text msg-reaction">{m.body ?? ''}</p>;
    default:
      return (
        <p class="msg-text">
          <RichText text={m.body ?? ''} />
        </p>
      );
  }
}

function Media({ m }: { m: ChatMessage }) {
  const media = m.media;
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const url = media?.status === 'stored' ? media.url : null;

  useEffect(() => {
    if (!url) return;
    let live = true;
    mediaBlobUrl(url).then(
      (u) => live && setSrc(u),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [url]);

  if (!media) {
    // Sent by an agent as a link.
    const link = (m.payload.media as { link?: string } | undefined)?.link;
    return link ? (
      <a class="media-doc" href={link} target="_blank" rel="noopener noreferrer">
        <IconFile /> {link}
      </a>
    ) : null;
  }
  const box = `media media-${m.kind}`;
  if (m.local) {
    // Still on its way up: the agent's own file, from memory.
    return m.local.preview ? (
      <span class={box} data-testid="media">
        <img src={m.local.preview} alt={media.filename ?? ''} />
      </span>
    ) : (
      <div class="media-doc" aria-busy={m.local.state === 'sending'}>
        <IconFile />
        <span>
          {media.filename} {media.size ? ` · ${bytes(media.size)}` : ''}
        </span>
      </div>
    );
  }
  if (media.status === 'pending' || (url && !src && !failed)) {
    return (
      <div class={`${box} media-wait`} aria-busy="true">
        <span>{t('chat.media.pending')}</span>
      </div>
    );
  }
  if (media.status === 'failed' || failed || !src) {
    return (
      <div class={`${box} media-wait`}>
        <IconAlert /> <span>{t('chat.media.failed')}</span>
      </div>
    );
  }
  const name = media.filename ?? `${m.kind}`;
  switch (m.kind) {
    case 'image':
    case 'sticker':
      return (
        <a
          class={box}
          href={src}
          target="_blank"
          rel="noopener"
          onClick={(e) => openViewer(e, src, m.body || (m.kind === 'sticker' ? t('chat.media.sticker') : t('chat.media.image')))}
          data-testid="media"
        >
          <img src={src} alt={m.body || (m.kind === 'sticker' ? t('chat.media.sticker') : t('chat.media.image'))} />
        </a>
      );
    case 'video':
      return <video class={box} src={src} controls preload="metadata" data-testid="media" />;
    case 'audio':
      return <AudioPlayer src={src} name={name} mime={media.mimeType ?? null} />;
    default:
      return (
        <span class="media-doc-wrap">
          <a class="media-doc" href={src} download={name} data-testid="media">
            <IconFile />
            <span>
              {t('chat.media.download', { name })}
              {media.size ? ` · ${bytes(media.size)}` : ''}
            </span>
          </a>
          {url && isPdf(media.mimeType, name) && (
            <button type="button" class="btn btn-small" onClick={(e) => openPdf(e, url, name, src)} aria-label={t('pdf.previewOf', { name })} data-testid="pdf-preview">
              {t('pdf.preview')}
            </button>
          )}
        </span>
      );
  }
}

const SPEEDS = [1, 1.5, 2] as const;

/**
 * A voice note or audio file: played at 1×, 1.5× or 2× like WhatsApp; when this browser cannot play it (e.g. an
 * Opus file in an old Safari) it says so and offers the file, instead of a player that silently does nothing.
 */
function AudioPlayer({ src, name, mime }: { src: string; name: string; mime: string | null }) {
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const [unplayable, setUnplayable] = useState(() => mime !== null && document.createElement('audio').canPlayType(mime) === '');
  const next = SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length]!;
  if (unplayable) {
    return (
      <div class="media-audio media-audio-error" role="note" data-testid="media-audio-error">
        <IconAlert /> <span>{t('chat.media.audioUnplayable')}</span>{' '}
        <a href={src} download={name} data-testid="media-download">
          {t('chat.media.download', { name })}
        </a>
      </div>
    );
  }
  return (
    <span class="media-audio-wrap">
      <audio
        class="media-audio"
        src={src}
        controls
        preload="metadata"
        data-testid="media"
        ref={(el) => {
          if (el) el.playbackRate = speed;
        }}
        onError={() => setUnplayable(true)}
      />
      <button type="button" class="btn btn-small audio-speed" onClick={() => setSpeed(next)} aria-label={t('chat.media.speed', { speed: `${next}×` })} data-testid="audio-speed">
        {`${speed}×`}
      </button>
    </span>
  );
}

function Ticks({ m }: { m: ChatMessage }) {
  const [show, setShow] = useState(false);
  const state = m.local?.state === 'sending' ? 'queued' : m.local?.state === 'failed' || m.status === 'failed' ? 'failed' : m.status;
  if (state === 'failed') {
    const reason = m.local?.error ?? m.error?.detail ?? m.error?.title ?? '';
    const label = reason ? t('tick.failedReason', { reason }) : t('tick.failed');
    return (
      <span class="ticks ticks-failed" data-tick="failed">
        <button type="button" class="tick-btn" aria-label={`${label}. ${t('tick.showReason')}`} aria-expanded={show} title={label} onClick={() => setShow(!show)}>
          <IconAlert width="15" height="15" />
          <span>{t('tick.failed')}</span>
        </button>
        {show && (
          <span class="tick-reason" role="note">
            {reason || t('tick.failed')}
            {m.error?.code ? ` (${m.error.code})` : ''}
          </span>
        )}
      </span>
    );
  }
  const label = t(`tick.${state === 'received' ? 'sent' : state}`);
  return (
    <span class={`ticks ticks-${state}`} role="img" aria-label={label} title={label} data-tick={state}>
      {state === 'queued' ? <IconClock width="14" height="14" /> : state === 'sent' ? <IconCheck width="16" height="16" /> : <IconDoubleCheck width="18" height="16" />}
    </span>
  );
}


/** Who did what to the conversation, as a small line in the timeline (stored as a private system message). */
function ActivityEvent({ m }: { m: ChatMessage }) {
  const a = m.payload.activity as Activity;
  const person = (id: string | null) => (id === userId.value ? t('activity.you') : (id && memberName(id)) || t('activity.someone'));
  const who = m.payload.automatic ? t('activity.menu') : person(m.senderUserId);
  const text =
    a.type === 'department'
      ? a.to === null
        ? t('activity.departmentNone', { who })
        : t('activity.department', { who, name: a.name ?? '—' })
      : a.type === 'assigned'
      ? a.to === null
        ? t('activity.unassigned', { who })
        : a.to === m.senderUserId
          ? t('activity.took', { who })
          : t('activity.assigned', { who, to: person(a.to) })
      : a.type === 'status'
        ? a.status === 'snoozed'
          ? t('activity.snoozed', { who, until: a.until ? dateTime(a.until) : '—' })
          : t(`activity.${a.status}`, { who })
        : a.added.length
          ? t('activity.labelAdded', { who, labels: a.added.join(', ') })
          : t('activity.labelRemoved', { who, labels: a.removed.join(', ') });
  return (
    <div class="msg-row msg-activity-row">
      <p class="msg-activity" data-testid="activity" data-type={a.type}>
        {text} · <time dateTime={m.createdAt}>{timeOfDay(m.createdAt)}</time>
      </p>
    </div>
  );
}
