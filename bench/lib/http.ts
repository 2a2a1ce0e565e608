// The load generator's HTTP client: Node's own `http` with a keep-alive agent. Measured here, Node 20's fetch
// (undici behind WHATWG streams) costs ~3× the client CPU per request and tops out near 900 req/s on one core —
// the client would be the bottleneck and would steal the CPU the server under test needs.
import http from 'node:http';

// Idle sockets are dropped after 2 s, before the server would close them under us.
const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 2_000 });

/** Requests re-sent once because a kept-alive socket turned out to be closed by the server (see below). */
export const httpStats = { staleSocketRetries: 0 };

export interface HttpResult {
  status: number | null;
  error?: string;
}

export function httpPost(url: string, body: string, headers: Record<string, string>, timeoutMs = 10_000, retried = false): Promise<HttpResult> {
  const u = new URL(url);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? null }));
        res.on('error', (e) => done({ status: null, error: `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: null, error: `TimeoutError: no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (e) => {
      // The keep-alive race: the server closed an idle socket just as we reused it, so the request never reached
      // it. Node's documented remedy is to send it again on a fresh socket (once); Meta would retry it too.
      if (!retried && req.reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET' && !settled) {
        settled = true;
        clearTimeout(timer);
        httpStats.staleSocketRetries++;
        resolve(httpPost(url, body, headers, timeoutMs, true));
        return;
      }
      done({ status: null, error: `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` });
    });
    req.end(body);
  });
}
