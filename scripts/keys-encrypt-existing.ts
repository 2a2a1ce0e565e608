// `npm run keys:encrypt-existing`: seals now, rather than over the daily cron's bounded runs, the plaintext written
// before content encryption existed (worker/jobs/encrypt-backfill.ts): message bodies with their search document,
// conversation previews, contact notes. Full passes until one seals nothing (rows edited meanwhile are skipped by a
// pass and taken by the next). Reads DATABASE_URL and ENCRYPTION_MASTER_KEYS; exits non-zero when an organisation
// failed.
import { encryptLegacyContent } from '../worker/jobs/encrypt-backfill';
import { createLogger } from '../worker/lib/log';
import { nodeDb } from './lib/db';
import { withScriptDb } from './lib/script-db';

const MAX_PASSES = 10;

withScriptDb(async (url, wsProxy) => {
  const secret = process.env.ENCRYPTION_MASTER_KEYS;
  if (!secret) throw new Error('ENCRYPTION_MASTER_KEYS is not set');
  const { db, pool } = nodeDb(url, wsProxy);
  const log = createLogger({ script: 'keys:encrypt-existing' });
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      const r = await encryptLegacyContent(secret, db, log, { maxBatches: Infinity });
      const total = r.sealed.messages + r.sealed.previews + r.sealed.notes;
      console.log(
        `[keys] pass ${pass}: ${r.organizations} organisations, sealed ${r.sealed.messages} message bodies, ${r.sealed.previews} previews, ${r.sealed.notes} notes`,
      );
      if (r.unfinished > 0) {
        console.error(`[keys] ${r.unfinished} organisations failed (see the log above)`);
        process.exitCode = 1;
        return;
      }
      if (total === 0) {
        console.log('[keys] no plaintext left');
        return;
      }
    }
    console.error(`[keys] still sealing after ${MAX_PASSES} passes (rows keep changing?): run again`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}).catch((err) => {
  console.error(`[keys] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
