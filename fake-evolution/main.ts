// Runs the fake Evolution API alone (`npx tsx fake-evolution/main.ts`).
// Env: FAKE_EVOLUTION_PORT (8791), FAKE_EVOLUTION_HOST (127.0.0.1), EVOLUTION_API_KEY (else read from .dev.vars or
// .dev.vars.example, so it accepts the key the worker sends; else 'dev-evolution-key').
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startFakeEvolution } from './index';

function apiKeyFromFiles(): string | undefined {
  for (const file of ['.dev.vars', '.dev.vars.example']) {
    if (!existsSync(file)) continue;
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('EVOLUTION_API_KEY='));
    if (line) return line.slice('EVOLUTION_API_KEY='.length).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

async function main() {
  const port = Number(process.env.FAKE_EVOLUTION_PORT ?? 8791);
  const host = process.env.FAKE_EVOLUTION_HOST ?? '127.0.0.1';
  const apiKey = process.env.EVOLUTION_API_KEY || apiKeyFromFiles() || 'dev-evolution-key';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`FAKE_EVOLUTION_PORT=${process.env.FAKE_EVOLUTION_PORT} is not a valid port`);

  const fake = await startFakeEvolution({ port, host, apiKey });
  const say = (line: string) => console.log(`[fake-evolution] ${line}`);
  say(`Evolution API ${fake.url}   (EVOLUTION_API_URL, apikey ${apiKey.slice(0, 4)}…)`);
  say(`phone page    ${fake.url}/`);
  say(`control API   ${fake.url}/_fake/…`);

  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Only when run directly (not when imported).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[fake-evolution] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
