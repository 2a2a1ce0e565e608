// The composer: a reply (text with emoji, /shortcut canned responses, reply-to) or a private note; when the 24 h
// window is closed, replies become approved templates and the composer says why.
import { useEffect, useRef, useState } from 'preact/hooks';
import { focusComposerOnOpen, isShortcut } from '../../state/keyboard';
import type { CannedResponse } from '../../api/types';
import { IconClip, IconFile, IconNote, IconReply, IconSend, IconSmile, IconX } from '../../components/icons';
import type { EmojiPicker as Picker } from './EmojiPicker';
import { VoiceRecorder } from './VoiceRecorder';
import { post } from '../../api/client';
import { t } from '../../i18n';
import { useDismiss } from '../../lib/dismiss';
import { bytes, fold, relative } from '../../lib/format';
import { UPLOAD_MAX_BYTES, type ChatStore } from '../../state/chat';
import { now } from '../../state/clock';
import { canned, loadCanned } from '../../state/content';
import { replyTo } from './Chat';
import { previewOf } from './MessageItem';
import { ScheduleButton } from './ScheduleMessage';
import { TemplateComposer } from './TemplateComposer';

const drafts = new Map<string, string>();

export function Composer({ store }: { store: ChatStore }) {
  const [note, setNote] = useState(false);
  // "r" replies, "n" writes a private note: the mode, and the focus in the box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e) || (e.key !== 'r' && e.key !== 'n')) return;
      e.preventDefault();
      focusComposerOnOpen.value = true;
      setNote(e.key === 'n');
      document.querySelector<HTMLTextAreaElement>('[data-testid="composer"] textarea')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const c = store.conversation.value!;
  const windowOpen = store.windowOpen.value;
  const expiresAt = c.lastInboundAt ? new Date(new Date(c.lastInboundAt).getTime() + 24 * 3600_000).toISOString() : null;
  const closingSoon = store.windowApplies.value && windowOpen && expiresAt && new Date(expiresAt).getTime() - now.value < 2 * 3600_000;

  return (
    <section class={`composer${note ? ' composer-note' : ''}`} aria-label={t('composer.label')} data-testid="composer" data-mode={note ? 'note' : windowOpen ? 'text' : 'template'}>
      <div class="composer-tabs" role="group" aria-label={t('composer.label')}>
        <button type="button" aria-pressed={!note} onClick={() => setNote(false)} data-testid="mode-reply">
          <IconReply width="15" height="15" /> {windowOpen ? t('chat.reply') : t('template.title')}
        </button>
        <button type="button" aria-pressed={note} onClick={() => setNote(true)} data-testid="mode-note">
          <IconNote width="15" height="15" /> {t('composer.note')}
        </button>
        {closingSoon && !note && expiresAt && <span class="composer-hint">{t('composer.windowClosing', { time: relative(expiresAt, now.value) })}</span>}
        {note && <span class="composer-hint">{t('composer.noteHint')}</span>}
        {!note && !store.windowApplies.value && (
          <span class="composer-hint" data-testid="no-window-hint">
            {t('composer.noWindow')}
          </span>
        )}
      </div>
      {!note && !windowOpen ? (
        <TemplateComposer store={store} never={!c.lastInboundAt} />
      ) : (
        <TextComposer store={store} note={note} />
      )}
    </section>
  );
}

// The full emoji picker is its own chunk (data, search): fetched the first time it opens.
let pickerModule: Promise<typeof Picker> | null = null;
let LoadedPicker: typeof Picker | null = null;
function LazyEmojiPicker(props: { onPick: (emoji: string) => void }) {
  const [Loaded, setLoaded] = useState(() => LoadedPicker);
  useEffect(() => {
    pickerModule ??= import('./EmojiPicker').then((m) => (LoadedPicker = m.EmojiPicker));
    if (!Loaded) void pickerModule.then((c) => setLoaded(() => c));
  }, []);
  return Loaded ? <Loaded {...props} /> : <div class="emoji-picker" aria-busy="true" />;
}

function TextComposer({ store, note }: { store: ChatStore; note: boolean }) {
  const [text, setText] = useState(drafts.get(store.id) ?? '');
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [recording, setRecording] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const emojiRef = useRef<HTMLDivElement>(null);
  useDismiss(emojiRef, emojiOpen, () => setEmojiOpen(false), () => input.current);
  const reply = note ? null : replyTo.value;
  // Opened from the list with Enter (or switched with "r"/"n"): the focus goes where the typing will be.
  useEffect(() => {
    if (!focusComposerOnOpen.value) return;
    focusComposerOnOpen.value = false;
    input.current?.focus();
  }, [note]);

  useEffect(() => {
    drafts.set(store.id, text);
  }, [text, store.id]);
  useEffect(() => autosize(), [text]);

  const slash = /^\/(\S*)$/.exec(text);
  const query = slash ? slash[1]! : null;
  useEffect(() => {
    if (query !== null) void loadCanned();
  }, [query !== null]);
  const list = canned.value;
  const options: CannedResponse[] =
    query === null || !Array.isArray(list)
      ? []
      : list.filter((r) => fold(r.shortcut).startsWith(fold(query)) || fold(r.title).includes(fold(query))).slice(0, 8);
  const menuOpen = query !== null && dismissed !== text;

  function autosize() {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }

  const submit = () => {
    const value = text.trim();
    if (file && !note) {
      void store.sendFile(file, value || undefined, reply?.id);
      setFile(null);
      setText('');
      replyTo.value = null;
      input.current?.focus();
      return;
    }
    if (!value) return;
    if (note) void store.send({ type: 'note', text: value });
    else void store.send({ type: 'text', text: value, ...(reply ? { replyToMessageId: reply.id } : {}) });
    setText('');
    replyTo.value = null;
    input.current?.focus();
  };

  const pick = (r: CannedResponse) => {
    setText(r.body);
    setActive(0);
    input.current?.focus();
    // Variables ({{contact.name}} …) are filled in by the server for this conversation.
    if (r.body.includes('{{')) {
      post<{ text?: string }>(`/api/v1/canned-responses/${r.id}/render`, { conversationId: store.id }).then(
        (out) => {
          if (typeof out?.text === 'string') setText((cur) => (cur === r.body ? out.text! : cur));
        },
        () => {},
      );
    }
  };

  const onFile = (e: Event) => {
    const picked = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    (e.currentTarget as HTMLInputElement).value = '';
    if (!picked) return;
    if (picked.size > UPLOAD_MAX_BYTES) {
      setFileError(t('composer.tooBig'));
      return;
    }
    setFileError(null);
    setFile(picked);
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (menuOpen && options.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(options[Math.min(active, options.length - 1)]!);
        return;
      }
    }
    if (e.key === 'Escape') {
      if (menuOpen) setDismissed(text);
      else if (emojiOpen) setEmojiOpen(false);
      else if (replyTo.value) replyTo.value = null;
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const insertEmoji = (emoji: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    setText(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  return (
    <div class="composer-body">
      {reply && (
        <div class="composer-reply">
          <span class="composer-reply-text">
            <strong>{t('composer.replyingTo')}:</strong> {previewOf(reply)}
          </span>
          <button type="button" class="icon-btn" aria-label={t('composer.cancelReply')} onClick={() => (replyTo.value = null)}>
            <IconX />
          </button>
        </div>
      )}
      {file && !note && (
        <div class="composer-reply composer-file" data-testid="attachment">
          <IconFile width="16" height="16" />
          <span class="composer-reply-text">{t('composer.attachment', { name: `${file.name} · ${bytes(file.size)}` })}</span>
          <button type="button" class="icon-btn" aria-label={t('composer.removeAttachment')} onClick={() => setFile(null)}>
            <IconX />
          </button>
        </div>
      )}
      {fileError && (
        <p class="alert alert-error" role="alert">
          {fileError}
        </p>
      )}
      {menuOpen && (
        <div class="canned" role="listbox" id="canned-list" aria-label={t('composer.canned')}>
          {list === 'unavailable' ? (
            <p class="canned-note">{t('composer.cannedUnavailable')}</p>
          ) : list === null ? (
            <p class="canned-note">{t('common.loading')}</p>
          ) : options.length === 0 ? (
            <p class="canned-note">{t('composer.cannedEmpty', { q: query ?? '' })}</p>
          ) : (
            options.map((r, i) => (
              <div
                key={r.id}
                id={`canned-${i}`}
                role="option"
                aria-selected={i === active}
                class="canned-item"
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(r);
                }}
              >
                <code>/{r.shortcut}</code> <strong>{r.title}</strong>
                <span class="muted">{r.body}</span>
              </div>
            ))
          )}
        </div>
      )}
      <div class="composer-row">
        {!recording && (
          <div class="menu-wrap" ref={emojiRef}>
            <button
              type="button"
              class="icon-btn"
              aria-label={t('composer.emoji')}
              title={t('composer.emoji')}
              aria-expanded={emojiOpen}
              onClick={() => setEmojiOpen(!emojiOpen)}
              data-testid="emoji-button"
            >
              <IconSmile />
            </button>
            {emojiOpen && <LazyEmojiPicker onPick={insertEmoji} />}
          </div>
        )}
        {!note && !recording && (
          <>
            <button type="button" class="icon-btn" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => fileInput.current?.click()} data-testid="attach">
              <IconClip />
            </button>
            <input
              ref={fileInput}
              type="file"
              hidden
              accept="image/jpeg,image/png,image/webp,video/mp4,video/3gpp,audio/*,application/pdf,application/msword,application/vnd.*,application/zip,text/plain"
              onChange={onFile}
              data-testid="file-input"
            />
          </>
        )}
        {!note && !file && (!text.trim() || recording) && (
          <VoiceRecorder
            store={store}
            replyToId={reply?.id}
            onActive={(on, sent) => {
              setRecording(on);
              if (sent) replyTo.value = null;
              if (!on) setTimeout(() => input.current?.focus());
            }}
          />
        )}
        <label class="composer-field" hidden={recording}>
          <span class="sr-only">{note ? t('composer.note') : t('composer.label')}</span>
          <textarea
            id="composer-input"
            ref={input}
            rows={1}
            value={text}
            placeholder={note ? t('composer.notePlaceholder') : file ? t('composer.captionPlaceholder') : t('composer.placeholder')}
            onInput={(e) => {
              setText(e.currentTarget.value);
              if (!note) store.sendTyping('on');
            }}
            onKeyDown={onKeyDown}
            onBlur={() => store.sendTyping('off')}
            role={menuOpen ? 'combobox' : undefined}
            aria-expanded={menuOpen ? true : undefined}
            aria-controls={menuOpen ? 'canned-list' : undefined}
            aria-activedescendant={menuOpen && options.length ? `canned-${active}` : undefined}
            aria-describedby="composer-keys"
            data-testid="composer-input"
          />
        </label>
        <span id="composer-keys" class="sr-only">
          {t('composer.keys')}
        </span>
        {/* Later instead of now: what is typed moves into the schedule dialog (after the
            reply box, so the box stays the composer's first text field). */}
        {!note && !recording && !file && <ScheduleButton store={store} text={text} onScheduled={() => setText('')} />}
        {!recording && (
          <button type="submit" class="btn btn-primary btn-send" onClick={submit} disabled={!text.trim() && !(file && !note)} data-testid="send">
            <IconSend />
            <span>{note ? t('composer.saveNote') : t('composer.send')}</span>
          </button>
        )}
      </div>
    </div>
  );
}
