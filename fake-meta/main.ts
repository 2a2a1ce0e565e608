// Runs the fake Meta alone (`npx tsx fake-meta/main.ts`), with the demo number and a few pt_BR templates.
// Env: FAKE_META_PORT (8790), FAKE_META_HOST (127.0.0.1), FAKE_META_WEBHOOK_URL, META_APP_SECRET (else read from
// .dev.vars or .dev.vars.example, so it signs with the secret the worker checks).
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startFakeMeta, type FakeMeta } from './index';

export const DEMO_NUMBER = {
  phoneNumberId: '100000000000001',
  wabaId: '200000000000001',
  displayPhoneNumber: '+55 11 4000-0001',
  accessToken: 'dev-meta-access-token',
  verifiedName: 'Loja Demo',
} as const;

/** Templates a fresh dev WABA has: Meta's hello_world plus two Portuguese ones Conversa can re-engage with. */
export function seedDemo(fake: FakeMeta): void {
  fake.registerNumber(DEMO_NUMBER);
  const wabaId = DEMO_NUMBER.wabaId;
  fake.addTemplate({
    wabaId, name: 'hello_world', language: 'en_US', category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  });
  fake.addTemplate({
    wabaId, name: 'retomar_atendimento', language: 'pt_BR', category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Olá, {{1}}! Aqui é a {{2}}. Podemos continuar o seu atendimento?', example: { body_text: [['Maria', 'Loja Demo']] } },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Sim, por favor' }, { type: 'QUICK_REPLY', text: 'Agora não' }] },
    ],
  });
  fake.addTemplate({
    wabaId, name: 'pedido_enviado', language: 'pt_BR', category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Pedido a caminho 🚚' },
      { type: 'BODY', text: 'Olá, {{1}}! Seu pedido {{2}} foi enviado e chega até {{3}}.', example: { body_text: [['Maria', '#1234', 'sexta-feira']] } },
      { type: 'FOOTER', text: 'Responda esta mensagem se precisar de ajuda.' },
    ],
  });
}

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

// Only when run directly, so tests and scripts/dev.ts can import DEMO_NUMBER and seedDemo.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[fake-meta] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
