// Runs the fake Meta alone (`npx tsx fake-meta/main.ts`), with the demo number and a few pt_BR templates.
// Env: FAKE_META_PORT (8790), FAKE_META_HOST (127.0.0.1), FAKE_META_WEBHOOK_URL, META_APP_SECRET (else read from
// .dev.vars or .dev.vars.example, so it signs with the secret the worker checks).
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEMO_NUMBER, seedDemo } from './demo';
import { startFakeMeta } from './index';

function appSecretFromFiles(): string | undefined {
  for (const file of ['.dev.vars', '.dev.vars.example']) {
    if (!existsSync(file)) continue;
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('META_APP_SECRET='));
    if (line) return line.slice('META_APP_SECRET='.length).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

async function main() {
  const port = Number(process.env.FAKE_META_PORT ?? 8790);
  const host = process.env.FAKE_META_HOST ?? '127.0.0.1';
  const webhookUrl = process.env.FAKE_META_WEBHOOK_URL ?? 'http://127.0.0.1:8787/webhooks/whatsapp';
  const appSecret = process.env.META_APP_SECRET ?? appSecretFromFiles();
  if (!appSecret) throw new Error('META_APP_SECRET is not set (and no .dev.vars or .dev.vars.example to read it from)');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`FAKE_META_PORT=${process.env.FAKE_META_PORT} is not a valid port`);

  const fake = await startFakeMeta({ port, host, webhookUrl, appSecret });
  seedDemo(fake);
  const say = (line: string) => console.log(`[fake-meta] ${line}`);
  say(`Graph API     ${fake.graphBaseUrl}   (META_GRAPH_BASE_URL)`);
  say(`customer page ${fake.url}/`);
  say(`control API   ${fake.url}/_fake/…`);
  say(`webhooks  →   ${webhookUrl}`);
  say(`demo number   ${DEMO_NUMBER.displayPhoneNumber}  phone_number_id ${DEMO_NUMBER.phoneNumberId}  waba ${DEMO_NUMBER.wabaId}  token ${DEMO_NUMBER.accessToken}`);

  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Only when run directly (not when imported).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[fake-meta] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
