// `npm run secrets:rotate`: after setting a new ENCRYPTION_KEY and moving the old one to ENCRYPTION_KEYS_PREVIOUS
// (in the worker's secrets first, so both open during the change), re-seals every channel token with the new key.
// Reads DATABASE_URL, ENCRYPTION_KEY and ENCRYPTION_KEYS_PREVIOUS from the environment. Afterwards the previous
// keys can be dropped.
import { resealChannelSecrets } from '../worker/domain/secret-rotation';
import { nodeDb } from './lib/db';
import { withScriptDb } from './lib/script-db';

withScriptDb(async (url, wsProxy) => {
  const key = process.env.ENCRYPTION_KEY;
  if (!key) throw new Error('ENCRYPTION_KEY is not set');
  const { db, pool } = nodeDb(url, wsProxy);
  try {
    const r = await resealChannelSecrets(db, { ENCRYPTION_KEY: key, ENCRYPTION_KEYS_PREVIOUS: process.env.ENCRYPTION_KEYS_PREVIOUS });
    console.log(`[secrets] ${r.checked} channel secrets checked, ${r.resealed} re-sealed with the current key`);
    if (r.failed.length) {
      console.error(`[secrets] ${r.failed.length} open with no configured key (channels ${r.failed.join(', ')}): reconnect them`);
      process.exitCode = 1;
    }
  } finally {
    await pool.end();
  }
}).catch((err) => {
  console.error(`[secrets] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
