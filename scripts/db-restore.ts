// `npm run db:restore -- FILE [--clean] [--verify-only]`: decrypts a `db:backup` file (BACKUP_KEY, or one of
// BACKUP_KEYS_PREVIOUS) and restores it into DATABASE_URL in one transaction. The target must be an empty database
// (createdb conversa_restored) unless --clean, which drops and recreates what the backup holds. The whole file is
// authenticated first: a truncated or altered one is refused before anything is written. --verify-only stops there.
import { parseArgs } from 'node:util';
import { requireDatabaseUrl, restoreDatabase, verifyBackup } from './lib/backup';
import { backupKeysFromEnv } from './lib/backup-crypto';
import { withScriptDb } from './lib/script-db';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { clean: { type: 'boolean', default: false }, 'verify-only': { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error('usage: npm run db:restore -- FILE [--clean] [--verify-only]');
  const keys = backupKeysFromEnv();
  if (values['verify-only']) {
    const { bytes } = await verifyBackup(file, keys);
    console.log(`[restore] ${file}: authentic and complete (${bytes} bytes of dump)`);
    return;
  }
  requireDatabaseUrl();
  await withScriptDb(async (url, wsProxy) => {
    await restoreDatabase({ url, wsProxy }, file, keys, { clean: values.clean });
    console.log(`[restore] ${file} → ${new URL(url).host}${new URL(url).pathname}: restored`);
  });
}

main().catch((err) => {
  console.error(`[restore] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
