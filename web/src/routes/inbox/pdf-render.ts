// Renders a PDF's pages onto canvases with PDF.js (its own lazily loaded chunk, with its worker served from our
// origin). Used instead of the browser's built-in viewer: that one needs a plugin frame the page's CSP forbids, and
// phones often do not show PDFs inline at all. Scripts inside PDFs are never run (no scripting sandbox is loaded).
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Pages rendered at most: a preview, not a reader (the file can be downloaded). */
export const MAX_PAGES = 30;

/** The document, and how to free it (its worker) when the preview closes. */
export async function openPdf(bytes: ArrayBuffer): Promise<{ doc: PDFDocumentProxy; destroy: () => void }> {
  const task = getDocument({ data: new Uint8Array(bytes), enableXfa: false });
  return { doc: await task.promise, destroy: () => void task.destroy() };
}

/** Draws page `n` (1-based) to fit `width` CSS pixels, sharp on high-density screens. */
export async function renderPage(doc: PDFDocumentProxy, n: number, canvas: HTMLCanvasElement, width: number): Promise<void> {
  const page = await doc.getPage(n);
  const base = page.getViewport({ scale: 1 });
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: (width / base.width) * ratio });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
  await page.render({ canvas, viewport }).promise;
}
