// A CPU profile of the worker's isolate over the inspector (Miniflare's inspector proxy), summarised as the functions
// with the most self time: where the isolate's single thread goes under load.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export async function startProfiler(inspectorPort: number, worker = 'conversa') {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.id === worker || t.id.endsWith(worker)) ?? targets[0];
  if (!target) throw new Error('no inspector target');
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (r: unknown) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  await send('Profiler.start');
  return {
    async stop(file?: string) {
      const { profile } = (await send('Profiler.stop')) as { profile: Profile };
      ws.close();
      if (file) writeFileSync(file, JSON.stringify(profile));
      return summarizeProfile(profile);
    },
  };
}

export function summarizeProfile(profile: Profile, top = 30) {
  const total = profile.endTime - profile.startTime;
  const interval = total / Math.max(1, profile.samples.length);
  const byKey = new Map<string, number>();
  let idle = 0;
  for (const n of profile.nodes) {
    const ms = ((n.hitCount ?? 0) * interval) / 1000;
    const f = n.callFrame;
    if (f.functionName === '(idle)') idle += ms;
    const file = f.url.split('/').slice(-2).join('/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    byKey.set(key, (byKey.get(key) ?? 0) + ms);
  }
  const totalMs = total / 1000;
  return {
    wallMs: Math.round(totalMs),
    busyShare: Math.round((1 - idle / totalMs) * 100) / 100,
    top: [...byKey].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => ({ fn: k, ms: Math.round(ms), share: Math.round((ms / totalMs) * 1000) / 10 })),
  };
}
