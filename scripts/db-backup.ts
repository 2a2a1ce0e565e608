// `npm run db:backup [-- --out FILE]`: an encrypted pg_dump (custom format) of DATABASE_URL, for a self-hosted
// Postgres (on Neon, point-in-time restore is the backup: docs/operations.md). The key is BACKUP_KEY (base64 of 32
// bytes); keep it apart from the backups. Restore with `npm run db:restore`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase, requireDatabaseUrl } from './lib/backup';
import { backupKeysFromEnv } from './lib/backup-crypto';
import { withScriptDb } from './lib/script-db';

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const [key] = backupKeysFromEnv();
  requireDatabaseUrl();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const out = values.out ?? `backups/conversa-${stamp}.pgdump.enc`;
  mkdirSync(dirname(out), { recursive: true });
  await withScriptDb(async (url, wsProxy) => {
    const { bytes } = await backupDatabase({ url, wsProxy }, key!, out);
    console.log(`[backup] ${new URL(url).host}${new URL(url).pathname} → ${out} (${bytes} bytes, key id ${key!.id})`);
  });
}

main().catch((err) => {
  console.error(`[backup] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
