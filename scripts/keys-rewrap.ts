// `npm run keys:rewrap`: master key rotation without downtime (SECURITY.md). With the new master key first in
// ENCRYPTION_MASTER_KEYS and the old one still listed (in the worker's secret too, deployed), re-wraps every
// organisation's data keys under the new master key — the content itself is untouched. Reads DATABASE_URL and
// ENCRYPTION_MASTER_KEYS. Exits non-zero when a data key did not re-wrap (its master key is not listed): then the old
// master key must stay.
import { dataKeysPerMasterKey, rewrapAllDataKeys } from '../worker/domain/organization-keys';
import { masterKeys } from '../worker/lib/envelope';
import { nodeDb } from './lib/db';
import { withScriptDb } from './lib/script-db';

withScriptDb(async (url, wsProxy) => {
  const secret = process.env.ENCRYPTION_MASTER_KEYS;
  if (!secret) throw new Error('ENCRYPTION_MASTER_KEYS is not set');
  const current = (await masterKeys(secret))[0]!.id;
  const { db, pool } = nodeDb(url, wsProxy);
  try {
    const r = await rewrapAllDataKeys(db, secret);
    console.log(`[keys] ${r.rewrapped} data keys re-wrapped under master key ${current}`);
    const usage = await dataKeysPerMasterKey(db);
    console.log(`[keys] live data keys per master key: ${Object.entries(usage).map(([id, n]) => `${id}=${n}`).join(', ') || 'none'}`);
    if (r.failed.length) {
      console.error(`[keys] ${r.failed.length} data keys did not re-wrap (organisation/key: ${r.failed.join(', ')}): keep their master key listed`);
      process.exitCode = 1;
    } else if (Object.keys(usage).some((id) => id !== current)) {
      console.error('[keys] some data keys are still wrapped by another master key (written meanwhile?): run again');
      process.exitCode = 1;
    } else {
      console.log('[keys] every data key is wrapped by the current master key: the others can be removed from the secret');
    }
  } finally {
    await pool.end();
  }
}).catch((err) => {
  console.error(`[keys] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
