// Adversarial webhooks (issue 14, point 8), generated with fast-check: whatever arrives — truncated, huge, wrong
// types, deep nesting, invalid UTF-8, forged or replayed signatures — the worker never answers 5xx, never stores
// what is not signed by Meta's app secret, and stores a replayed message once. Fixed seeds: a failure reproduces.
import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, customerNumber, nowSeconds, sign, type TestChannel } from '../../test/whatsapp';
import { messages } from '../db/schema';

const { db, pool } = testDb();
afterAll(() => pool.end());

async function post(body: Uint8Array | string, signature: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await SELF.fetch('http://conversa.test/webhooks/whatsapp', { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

const storedFor = async (orgId: string) =>
  Number((await db.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.organizationId, orgId)))[0]?.n ?? 0);

/** A valid text webhook for the channel, as a plain object the generators then damage. */
const validPayload = (ch: TestChannel, text: string) =>
  fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: customerNumber(), timestamp: nowSeconds() }) as unknown as Record<string, unknown>;

/** Replaces the value at a random path of a JSON tree with an arbitrary JSON value. */
function damage(tree: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || tree === null || typeof tree !== 'object') return value;
  const keys = Object.keys(tree as object);
  if (keys.length === 0) return value;
  const k = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(tree) ? [...tree] as unknown as Record<string, unknown> : { ...(tree as Record<string, unknown>) };
  copy[k] = damage((tree as Record<string, unknown>)[k], path.slice(1), value);
  return copy;
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('adversarial webhooks', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Fuzz');
    ch = await connectChannel(admin);
  });

  it('unsigned, forged or mis-signed bodies of any shape: never 5xx, never stored', async () => {
    const before = await storedFor(admin.orgId);
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.tuple(fc.nat(), fc.nat({ max: 8 })).map(([n, cut]) => JSON.stringify(validPayload(ch, `forjada ${n}`)).slice(0, -1 - cut)),
      fc.uint8Array({ maxLength: 512 }),
      fc.nat({ max: 3000 }).map(nested),
      fc.constant(JSON.stringify(validPayload(ch, 'forjada inteira'))),
    );
    const signature = fc.oneof(
      fc.constant(null),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`),
      fc.string({ maxLength: 80 }),
      fc.constant('sha256='),
      fc.constant('sha1=abc'),
    );
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(body, signature, fc.boolean(), async (b, s, otherBody) => {
        requests++;
        // A genuine signature, but of another body (a replay with the payload swapped).
        const sig = otherBody && typeof b === 'string' ? await sign(`${b} `) : s;
        const status = await post(b, sig);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 1200, seed: 1401 },
    );
    expect(requests).toBeGreaterThanOrEqual(1200);
    await drainQueues();
    expect(await storedFor(admin.orgId)).toBe(before);
  }, 120_000);

  it('signed but malformed bodies (wrong types anywhere, truncation, deep nesting): never 5xx, the consumer survives', async () => {
    const status = await post(nested(5000), await sign(nested(5000)));
    expect(status).toBeLessThan(500);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), fc.nat(), async (path, value, n) => {
        const raw = JSON.stringify(damage(validPayload(ch, `assinada ${n}`), path, value)) ?? 'null';
        const res = await post(raw, await sign(raw));
        expect(res === 200 || (res >= 400 && res < 500), `status ${res}`).toBe(true);
      }),
      { numRuns: 400, seed: 1402 },
    );
    // Whatever the consumer made of them, it finished: the queues drain (no crash loop, nothing stuck).
    await drainQueues(60_000);
    // And the channel still works for a real message afterwards.
    const before = await storedFor(admin.orgId);
    const ok = JSON.stringify(validPayload(ch, 'depois do ataque'));
    expect(await post(ok, await sign(ok))).toBe(200);
    await drainQueues();
    expect(await storedFor(admin.orgId)).toBe(before + 1);
  }, 180_000);

  it('a signed message replayed many times is stored once; a body over 3 MB is refused with 413', async () => {
    const raw = JSON.stringify(validPayload(ch, `replay ${crypto.randomUUID()}`));
    const sig = await sign(raw);
    const before = await storedFor(admin.orgId);
    for (let i = 0; i < 20; i++) expect(await post(raw, sig)).toBe(200);
    await drainQueues();
    expect(await storedFor(admin.orgId)).toBe(before + 1);

    const huge = `{"object":"whatsapp_business_account","pad":"${'x'.repeat(3 * 1024 * 1024 + 10)}"}`;
    expect(await post(huge, await sign(huge))).toBe(413);
  }, 60_000);
});
