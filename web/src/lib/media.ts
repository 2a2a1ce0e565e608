// Media bytes come from GET /api/v1/messages/:id/media with the Bearer token (an <img src> cannot send it), so they
// are fetched once and shown through blob: URLs, kept for the session (the most recent 60).
import { apiBlob } from '../api/client';

const cache = new Map<string, Promise<string>>();
const LIMIT = 60;

export function mediaBlobUrl(path: string): Promise<string> {
  let p = cache.get(path);
  if (p) {
    // Most recently used last.
    cache.delete(path);
    cache.set(path, p);
    return p;
  }
  p = apiBlob(path).then((blob) => URL.createObjectURL(blob));
  p.catch(() => cache.delete(path));
  cache.set(path, p);
  while (cache.size > LIMIT) {
    const [oldest, url] = cache.entries().next().value as [string, Promise<string>];
    cache.delete(oldest);
    void url.then((u) => URL.revokeObjectURL(u), () => {});
  }
  return p;
}
