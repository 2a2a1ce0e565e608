// The chat's image viewer: a photo opens large in a dialog; ← / → move through the chat's photos, Escape closes it
// (the focus goes back to the photo), and the file can be downloaded.
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n';
import { useModal } from '../../lib/dialog';

interface Shown {
  src: string;
  alt: string;
  opener: HTMLElement | null;
}
export const viewing = signal<Shown | null>(null);

/** The chat's photos as shown, in order (their blob URLs). */
function photos(): { src: string; alt: string }[] {
  return [...document.querySelectorAll<HTMLImageElement>('.messages [data-testid="media"] img')].map((img) => ({ src: img.src, alt: img.alt }));
}

export function openViewer(e: MouseEvent, src: string, alt: string) {
  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab, as asked
  e.preventDefault();
  viewing.value = { src, alt, opener: e.currentTarget as HTMLElement };
}

function step(d: number) {
  const list = photos();
  const i = list.findIndex((p) => p.src === viewing.value?.src);
  const next = list[i + d];
  if (next) viewing.value = { ...next, opener: viewing.value?.opener ?? null };
}

export function ImageViewer() {
  const ref = useRef<HTMLDialogElement>(null);
  const shown = viewing.value;
  useModal(ref, Boolean(shown));
  // Arrows anywhere while it is open (a button that just got disabled drops the focus out of the dialog).
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight') step(1);
      else if (e.key === 'ArrowLeft') step(-1);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [Boolean(shown)]);
  const list = shown ? photos() : [];
  const index = shown ? list.findIndex((p) => p.src === shown.src) : -1;
  return (
    <dialog
      ref={ref}
      class="viewer"
      aria-label={t('viewer.title')}
      onClose={() => {
        viewing.value?.opener?.focus();
        viewing.value = null;
      }}
      data-testid="viewer"
    >
      {shown && (
        <>
          <img src={shown.src} alt={shown.alt} />
          <div class="viewer-bar">
            <button type="button" class="btn btn-small" onClick={() => step(-1)} disabled={index <= 0} aria-label={t('viewer.previous')}>
              ←
            </button>
            <span class="muted small">{t('viewer.position', { n: index + 1, total: list.length })}</span>
            <button type="button" class="btn btn-small" onClick={() => step(1)} disabled={index < 0 || index >= list.length - 1} aria-label={t('viewer.next')}>
              →
            </button>
            <DownloadAndClose href={shown.src} closeId="viewer-close" />
          </div>
        </>
      )}
    </dialog>
  );
}

/** The viewers' last buttons: download the file, close (a `method=dialog` form, so the dialog's close event runs). */
export function DownloadAndClose({ href, name, closeId }: { href: string; name?: string; closeId: string }) {
  return (
    <>
      <a class="btn btn-small" href={href} download={name ?? true}>
        {t('viewer.download')}
      </a>
      <form method="dialog">
        <button type="submit" class="btn btn-small" data-testid={closeId}>
          {t('common.close')}
        </button>
      </form>
    </>
  );
}
