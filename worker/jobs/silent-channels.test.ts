// An Evolution number that says "open" but has been silent for its period is flagged, once, live to the inbox.
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/evolution/fixtures';
import { connectEvolution, postEvolution } from '../../test/evolution';
import { api, signupOrg, testDb } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { eventually } from '../../test/whatsapp';
import { channels } from '../db/schema';
import { createLogger } from '../lib/log';
import { flagSilentChannels } from './silent-channels';

describe('silent Evolution channels', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('flags an open instance silent past its period, once, live to the inbox', async () => {
    const admin = await signupOrg('Silêncio');
    const ch = await connectEvolution(admin, { scan: false });
    await postEvolution(ch, fx.connection('open'));
    const row = await eventually(async () => {
      const [c] = await db.select().from(channels).where(eq(channels.id, ch.id));
      return c?.connectionState === 'open' && c;
    });
    expect((await api('GET', '/api/v1/channels', { token: admin.accessToken })).body.data.find((c: any) => c.id === ch.id).silent).toBe(false);
    const log = createLogger({}, 'silent');
    const last = Math.max(row.lastEventAt!.getTime(), row.connectionUpdatedAt!.getTime());
    const due = last + row.silentAfterMinutes * 60_000;
    // A minute early: nothing. Just past the period: flagged, live. A minute later: not announced again.
    expect((await flagSilentChannels(env, db, log, new Date(due - 61_000))).flagged).toBe(0);
    const inbox = await connect(admin, '/api/v1/inbox/ws');
    await settled(inbox);
    const flagged = await flagSilentChannels(env, db, log, new Date(due + 1_000));
    expect(flagged.flagged).toBeGreaterThanOrEqual(1);
    const event = await inbox.next('channel.updated', (e) => (e.data as any).channel.id === ch.id);
    expect((event.data as any).channel).toMatchObject({ silent: true, connectionState: 'open', qrCode: null });
    expect((await flagSilentChannels(env, db, log, new Date(due + 90_000))).flagged).toBe(0);
    inbox.close();
  });
});
