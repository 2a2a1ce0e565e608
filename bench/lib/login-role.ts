// The worker's login for a benchmark run, authenticated the way production's is cheap. Neon takes a Worker's password
// over TLS, pipelined with the startup message: the client computes nothing. A local Postgres asks for SCRAM-SHA-256
// at its fixed 4,096 iterations, which the Neon driver computes as 4,096 awaited WebCrypto calls on the worker's only
// thread — measured at 70–250 ms per new connection in workerd here, paid by every batch (the consumer cannot keep a
// connection between invocations). That is a local artefact, so the run's role gets a SCRAM verifier of one
// iteration: same protocol and round trips, without the key stretching. `--scram-iterations 4096` measures the default.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { nodeDb } from '../../scripts/lib/db';

/** The verifier Postgres stores for a SCRAM-SHA-256 password (RFC 5802 / 7677), built from Node's crypto primitives. */
function scramVerifier(password: string, iterations: number): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const SAFE = /^[A-Za-z0-9+/=:$_-]+$/;

/** Creates a superuser login (the worker sets its own role per transaction, as with the owner) and returns its URL. */
export async function createLoginRole(adminUrl: string, databaseUrl: string, iterations: number, wsProxy?: string): Promise<{ url: string; name: string }> {
  const name = `conversa_bench_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  const verifier = scramVerifier(password, iterations);
  // CREATE ROLE takes no parameters: every part is generated here and checked against a strict alphabet.
  if (!SAFE.test(name) || !SAFE.test(verifier)) throw new Error('unsafe role or verifier');
  const { pool } = nodeDb(adminUrl, wsProxy);
  try {
    await pool.query(`create role ${name} login superuser password '${verifier}'`);
  } finally {
    await pool.end();
  }
  const url = new URL(databaseUrl);
  url.username = name;
  url.password = password;
  return { url: url.toString(), name };
}

export async function dropLoginRole(adminUrl: string, name: string, wsProxy?: string): Promise<void> {
  if (!SAFE.test(name)) throw new Error('unsafe role name');
  const { pool } = nodeDb(adminUrl, wsProxy);
  try {
    await pool.query(`drop role if exists ${name}`);
  } finally {
    await pool.end();
  }
}
