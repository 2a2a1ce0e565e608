// Issue 16: an Evolution number sends at most its rate, evenly spaced (ChannelThrottle): a burst of 200 sends across
// four conversations is all delivered, each conversation in order, and never faster than the limit.
import { inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from './evolution/fixtures';
import { connectEvolution, evolutionNumber, evolutionSent, postEvolution, type EvolutionChannel } from '../test/evolution';
import { addMember, api, signupOrg, testDb, type Session } from '../test/harness';
import { conversationOf, eventually } from '../test/whatsapp';
import { messages } from '../worker/db/schema';

const { db } = testDb();
const PER_MINUTE = 300; // one send every 200 ms
const BURST = 200;

describe('Evolution send rate', () => {
  let admin: Session;
  let ch: EvolutionChannel;
  beforeAll(async () => {
    admin = await signupOrg('Disparo em Massa');
    ch = await connectEvolution(admin, { sendRatePerMinute: PER_MINUTE });
  });

  it(`delivers a burst of ${BURST} sends in order, none faster than ${PER_MINUTE}/min`, { timeout: 180_000 }, async () => {
    const customers = [evolutionNumber(), evolutionNumber(), evolutionNumber(), evolutionNumber()];
    const convIds: string[] = [];
    for (const from of customers) {
      await postEvolution(ch, fx.text('Oi', { from }));
      convIds.push((await conversationOf(admin, from)).id);
    }
    // Four agents at once (the API allows each user 300 requests a minute), one conversation each.
    const senders = await Promise.all(convIds.map(() => addMember(admin.orgId, 'manager')));
    const texts = new Map<string, string[]>();
    for (let i = 0; i < BURST; i++) {
      const k = i % convIds.length;
      const conv = convIds[k]!;
      const text = `Mensagem ${String(i).padStart(3, '0')}`;
      const res = await api('POST', `/api/v1/conversations/${conv}/messages`, { token: senders[k]!.accessToken, body: { type: 'text', text } });
      expect(res.status).toBe(202);
      texts.set(conv, [...(texts.get(conv) ?? []), text]);
    }
    // Meanwhile the agent sees the ones waiting as queued, never failed.
    const waiting = await db.select({ status: messages.status }).from(messages).where(inArray(messages.conversationId, convIds));
    expect(waiting.filter((m) => m.status === 'failed')).toEqual([]);

    const sent = await eventually(async () => {
      const all = (await evolutionSent(ch)).filter((s) => s.path.startsWith('/message/sendText'));
      return all.length >= BURST && all;
    }, 150_000);
    expect(sent).toHaveLength(BURST);
    // Each conversation in the order its messages were written.
    for (const [i, from] of customers.entries()) {
      const order = sent.filter((s) => s.body.number === from).map((s) => s.body.text);
      expect(order).toEqual(texts.get(convIds[i]!));
    }
    // Never faster than the limit: any 5 consecutive sends span at least the time of 4 intervals (minus jitter).
    const at = sent.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
    const interval = 60_000 / PER_MINUTE;
    let tightest = Infinity;
    for (let i = 0; i + 4 < at.length; i++) tightest = Math.min(tightest, at[i + 4]! - at[i]!);
    expect(tightest).toBeGreaterThanOrEqual(4 * interval - 100);
    // …and within any minute-long window, at most the limit (here: the whole burst spans more than its minimum).
    expect(at[at.length - 1]! - at[0]!).toBeGreaterThanOrEqual((BURST - 1) * interval - 250);
    const stored = await db.select({ status: messages.status }).from(messages).where(inArray(messages.conversationId, convIds));
    expect(stored.filter((m) => m.status === 'failed')).toEqual([]);
  });
});
