// `npm run dev`: the whole product on this machine (scripts/lib/stack.ts). Embedded Postgres unless DATABASE_URL is
// set, data under .data/; API on PORT (8787), web app on WEB_PORT (5173), fake Meta on FAKE_META_PORT (8790), fake
// Evolution API on FAKE_EVOLUTION_PORT (8791).
// Ctrl-C stops everything.
import { copyFileSync, existsSync } from 'node:fs';
import { isPortFree } from './lib/ports';
import { requireNode22 } from './lib/node-version';
import { prefixer } from './lib/processes';
import { DEMO_LOGINS, DEMO_PASSWORD } from './lib/seed';
import { startStack, type Stack } from './lib/stack';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8787);
const WEB_PORT = Number(process.env.WEB_PORT ?? 5173);
const FAKE_META_PORT = Number(process.env.FAKE_META_PORT ?? 8790);
const FAKE_EVOLUTION_PORT = Number(process.env.FAKE_EVOLUTION_PORT ?? 8791);
const say = prefixer('dev');
let stack: Stack | undefined;
let stopping = false;

async function main() {
  requireNode22();
  say(`node ${process.version}`);
  for (const [name, port] of [['PORT', PORT], ['WEB_PORT', WEB_PORT], ['FAKE_META_PORT', FAKE_META_PORT], ['FAKE_EVOLUTION_PORT', FAKE_EVOLUTION_PORT]] as const) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`${name}=${process.env[name]} is not a valid port.`);
    if (!(await isPortFree(port, HOST))) {
      fail(`Port ${port} on ${HOST} is already in use (${name}). Stop what uses it, or run e.g. ${name}=${port + 10} npm run dev.`);
    }
  }
  if (!existsSync('.dev.vars')) {
    copyFileSync('.dev.vars.example', '.dev.vars');
    say('created .dev.vars from .dev.vars.example');
  }
  if (process.env.DATABASE_URL) say(`using DATABASE_URL (${new URL(process.env.DATABASE_URL).host})`);
  else say('starting embedded Postgres (PGlite), data in .data/pglite …');

  stack = await startStack({
    host: HOST,
    apiPort: PORT,
    webPort: WEB_PORT,
    fakeMetaPort: FAKE_META_PORT,
    fakeEvolutionPort: FAKE_EVOLUTION_PORT,
    dataDir: '.data/pglite',
    databaseUrl: process.env.DATABASE_URL,
    persistTo: '.data/wrangler',
    onExit: (name, code) => {
      say(`${name} exited (code ${code}); stopping everything`);
      void shutdown(1);
    },
  });
  const lines = [
    '',
    'Conversa is running:',
    `  Web app        ${stack.webUrl}`,
    `  API            ${stack.apiUrl}   (health: ${stack.apiUrl}/health)`,
    `  Customer phone ${stack.fakeMeta.url}/   (the fake WhatsApp: write to the demo number as a customer)`,
    `  QR-code phone  ${stack.fakeEvolution.url}/   (the fake Evolution API: scan QR codes, write to QR-connected numbers)`,
    `  Mail outbox    ${stack.apiUrl}/dev/outbox`,
    `  Database       ${stack.embedded ? 'embedded PGlite, data in .data/pglite' : 'DATABASE_URL'}`,
    '',
    `Demo logins (password: ${DEMO_PASSWORD}):`,
    ...DEMO_LOGINS.map((l) => `  ${l.role.padEnd(13)} ${l.email}`),
    '',
    'Ctrl-C stops everything.',
  ];
  for (const l of lines) say(l);
}

function fail(message: string): never {
  console.error(`\n[dev] ${message}\n`);
  process.exit(1);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (err) => {
  console.error('[dev] failed to start:', err instanceof Error ? err.message : err);
  await shutdown(1);
});
