// The database of an operator's command (migrate, secrets:rotate): DATABASE_URL, reached through the local
// WebSocket proxy when it points at this machine (the Neon driver speaks WebSocket), directly when it is Neon.
import { isLocalUrl } from './db';
import { startWsProxy } from './ws-proxy';

export async function withScriptDb<T>(run: (url: string, wsProxy: string | undefined) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (e.g. postgres://…neon.tech/neondb?sslmode=require)');
  const proxy = isLocalUrl(url) ? await startWsProxy({}) : undefined;
  try {
    return await run(url, proxy?.address);
  } finally {
    await proxy?.close();
  }
}
