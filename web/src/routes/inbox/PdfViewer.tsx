// A PDF a customer (or colleague) sent, previewed in a dialog over the chat: its pages as pictures, with the page
// count, a download and Escape to close (the focus goes back to the button that opened it).
import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiBlob } from '../../api/client';
import { t } from '../../i18n';
import { useModal } from '../../lib/dialog';
import { DownloadAndClose } from './ImageViewer';

interface Shown {
  /** The media's API path (fetched with the session's token). */
  path: string;
  name: string;
  downloadUrl: string;
  opener: HTMLElement | null;
}
export const pdfShown = signal<Shown | null>(null);

export function openPdf(e: MouseEvent, path: string, name: string, downloadUrl: string) {
  e.preventDefault();
  pdfShown.value = { path, name, downloadUrl, opener: e.currentTarget as HTMLElement };
}

export const isPdf = (mime: string | null | undefined, name: string | null | undefined) =>
  (mime ?? '').split(';')[0]!.trim().toLowerCase() === 'application/pdf' || /\.pdf$/i.test(name ?? '');

type Loaded = { pages: number; shown: number } | { error: true } | null;

export function PdfViewer() {
  const ref = useRef<HTMLDialogElement>(null);
  const pagesRef = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded>(null);
  const shown = pdfShown.value;

  useModal(ref, Boolean(shown));

  useEffect(() => {
    if (!shown) return;
    setLoaded(null);
    let live = true;
    let destroy: (() => void) | null = null;
    (async () => {
      const [{ openPdf: open, renderPage, MAX_PAGES }, blob] = await Promise.all([import('./pdf-render'), apiBlob(shown.path)]);
      const opened = await open(await blob.arrayBuffer());
      const doc = opened.doc;
      destroy = opened.destroy;
      if (!live) return destroy();
      const count = Math.min(doc.numPages, MAX_PAGES);
      setLoaded({ pages: doc.numPages, shown: count });
      const box = pagesRef.current;
      if (!box) return;
      const width = Math.min(box.clientWidth - 24, 900);
      for (let n = 1; n <= count && live; n++) {
        const canvas = document.createElement('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', t('pdf.page', { n, total: doc.numPages }));
        canvas.dataset.testid = 'pdf-page';
        box.appendChild(canvas);
        await renderPage(doc, n, canvas, width);
      }
    })().catch(() => live && setLoaded({ error: true }));
    return () => {
      live = false;
      destroy?.();
      pagesRef.current?.replaceChildren();
    };
  }, [shown?.path]);

  return (
    <dialog
      ref={ref}
      class="viewer viewer-pdf"
      aria-label={shown?.name ?? t('pdf.title')}
      onClose={() => {
        pdfShown.value?.opener?.focus();
        pdfShown.value = null;
      }}
      data-testid="pdf-viewer"
    >
      {shown && (
        <>
          <div class="pdf-pages" ref={pagesRef} tabIndex={0} aria-busy={loaded === null}>
            {loaded === null && <p class="pdf-note">{t('common.loading')}</p>}
            {loaded && 'error' in loaded && (
              <p class="pdf-note" role="alert">
                {t('pdf.failed')}
              </p>
            )}
          </div>
          <div class="viewer-bar">
            <span class="muted small pdf-name">{shown.name}</span>
            {loaded && 'pages' in loaded && (
              <span class="muted small" data-testid="pdf-count">
                {t('pdf.pages', { n: loaded.pages })}
                {loaded.shown < loaded.pages ? ` · ${t('pdf.firstPages', { n: loaded.shown })}` : ''}
              </span>
            )}
            <DownloadAndClose href={shown.downloadUrl} name={shown.name} closeId="pdf-close" />
          </div>
        </>
      )}
    </dialog>
  );
}
