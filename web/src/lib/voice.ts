// Voice notes as WhatsApp expects them: Opus in an Ogg file (anything else arrives as a plain audio file, without the
// waveform, auto-download or transcription). Firefox records Ogg/Opus itself; Chromium and Safari record Opus in
// WebM, whose packets mediabunny moves into Ogg as they are (no re-encoding). mediabunny is loaded only then.

export const VOICE_MIME = 'audio/ogg; codecs=opus';

/** What this browser can record a voice note in, best first; null without MediaRecorder or microphone access. */
export function recordingMime(): string | null {
  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return null;
  for (const type of ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm']) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return null;
}

/** Starts fetching the converter while the person speaks, so that "send" does not wait for it. */
export function prepareConversion(recordingType: string): void {
  if (!recordingType.startsWith('audio/ogg')) void import('./ogg-remux').catch(() => {});
}

/** The recording as an Ogg/Opus file. */
export async function toOggOpus(recorded: Blob): Promise<Blob> {
  if (recorded.type.startsWith('audio/ogg')) return new Blob([recorded], { type: VOICE_MIME });
  const { webmToOgg } = await import('./ogg-remux');
  const bytes = await webmToOgg(recorded);
  return new Blob([bytes], { type: VOICE_MIME });
}

/** A name like WhatsApp's own: "audio-2026-12-04-10h32.ogg". */
export function voiceFileName(at = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `audio-${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-${p(at.getHours())}h${p(at.getMinutes())}${p(at.getSeconds())}.ogg`;
}
