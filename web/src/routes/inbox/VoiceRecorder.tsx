// Recording a voice note in the composer: the microphone button, then a bar with the elapsed time, cancel (also Esc)
// and send. The recording is converted to Ogg/Opus (lib/voice.ts) and sent like an attachment, marked as a voice note.
import { useEffect, useRef, useState } from 'preact/hooks';
import { IconMic, IconSend, IconTrash } from '../../components/icons';
import { t } from '../../i18n';
import { prepareConversion, recordingMime, toOggOpus, VOICE_MIME, voiceFileName } from '../../lib/voice';
import type { ChatStore } from '../../state/chat';
import { UPLOAD_MAX_BYTES } from '../../state/chat';

/** WhatsApp shows a play button (not a download) for voice notes up to ~512 kB: about 2 minutes at 32 kbit/s. */
const BITS_PER_SECOND = 32_000;
const MAX_SECONDS = 15 * 60;

type State = { phase: 'idle' } | { phase: 'recording'; since: number } | { phase: 'sending' };

export function VoiceRecorder({ store, replyToId, onActive }: { store: ChatStore; replyToId?: string; onActive: (recording: boolean, sent: boolean) => void }) {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);
  const sendOnStop = useRef(false);
  const sendButton = useRef<HTMLButtonElement>(null);
  const sent = useRef(false);
  const mime = recordingMime();

  const release = () => {
    recorder.current?.stream.getTracks().forEach((track) => track.stop());
    recorder.current = null;
  };
  useEffect(() => () => {
    sendOnStop.current = false;
    if (recorder.current?.state === 'recording') recorder.current.stop();
    release();
  }, []);
  // The composer gives its row to the recording bar while there is one; the focus goes to "send" (Esc cancels).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    onActive(state.phase !== 'idle', sent.current);
    sent.current = false;
    if (state.phase === 'recording') sendButton.current?.focus();
  }, [state.phase]);
  useEffect(() => {
    if (state.phase !== 'recording') return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() - state.since >= MAX_SECONDS * 1000) finish(true);
    }, 250);
    return () => clearInterval(timer);
  }, [state]);

  if (!mime) return null;

  async function start() {
    setError(null);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      setError((err as DOMException)?.name === 'NotAllowedError' ? t('voice.denied') : t('voice.noMicrophone'));
      return;
    }
    const rec = new MediaRecorder(stream, { mimeType: mime!, audioBitsPerSecond: BITS_PER_SECOND });
    chunks.current = [];
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.current.push(e.data);
    };
    rec.onstop = () => void stopped(rec.mimeType || mime!);
    recorder.current = rec;
    rec.start(1000);
    prepareConversion(rec.mimeType || mime!);
    const since = Date.now();
    setNow(since);
    setState({ phase: 'recording', since });
  }

  async function stopped(type: string) {
    release();
    if (!sendOnStop.current) {
      setState({ phase: 'idle' });
      return;
    }
    sendOnStop.current = false;
    setState({ phase: 'sending' });
    try {
      const ogg = await toOggOpus(new Blob(chunks.current, { type }));
      if (ogg.size > UPLOAD_MAX_BYTES) throw new Error('too big');
      sent.current = true;
      setState({ phase: 'idle' });
      void store.sendFile(new File([ogg], voiceFileName(), { type: VOICE_MIME }), undefined, replyToId, true);
    } catch {
      setError(t('voice.failed'));
      setState({ phase: 'idle' });
    }
  }

  function finish(send: boolean) {
    sendOnStop.current = send;
    if (recorder.current?.state === 'recording') recorder.current.stop();
  }

  if (state.phase === 'idle') {
    return (
      <>
        <button type="button" class="icon-btn" aria-label={t('voice.record')} title={t('voice.record')} onClick={() => void start()} data-testid="voice-record">
          <IconMic />
        </button>
        {error && (
          <p class="alert alert-error voice-error" role="alert">
            {error}
          </p>
        )}
      </>
    );
  }
  const seconds = state.phase === 'recording' ? Math.max(0, Math.floor((now - state.since) / 1000)) : 0;
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <div
      class="voice-bar"
      role="group"
      aria-label={t('voice.recording')}
      data-testid="voice-bar"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(false);
        }
      }}
    >
      <button type="button" class="icon-btn" aria-label={t('voice.cancel')} title={t('voice.cancel')} onClick={() => finish(false)} disabled={state.phase !== 'recording'} data-testid="voice-cancel">
        <IconTrash />
      </button>
      <span class="voice-dot" aria-hidden="true" />
      <span class="voice-clock" role="timer" aria-live="off" data-testid="voice-clock">
        {state.phase === 'sending' ? t('voice.preparing') : clock}
      </span>
      <span class="voice-hint muted">{state.phase === 'recording' ? t('voice.hint') : ''}</span>
      <button
        type="button"
        class="btn btn-primary btn-send"
        onClick={() => finish(true)}
        disabled={state.phase !== 'recording'}
        ref={sendButton}
        data-testid="voice-send"
      >
        <IconSend />
        <span>{t('composer.send')}</span>
      </button>
    </div>
  );
}
