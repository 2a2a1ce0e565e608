// The inbox lists by latest message (issue 15, defect 2): assigning, labelling or resolving and reopening a
// conversation does not lift it above one that just received a message.
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';

describe('inbox order', () => {
  it('is latest message first; changes without a message keep the order; pages follow the same key', async () => {
    const admin = await signupOrg('Ordem');
    const ch = await connectChannel(admin);
    const say = async (from: string, text: string, secondsAgo: number) => {
      const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(-secondsAgo) };
      expect((await postWebhook(fx.textMessage(text, o))).status).toBe(200);
      return conversationOf(admin, from);
    };
    const olderFrom = customerNumber();
    const older = await say(olderFrom, 'primeira', 120);
    const middle = await say(customerNumber(), 'segunda', 60);
    const newest = await say(customerNumber(), 'terceira', 0);
    const order = async (query = '') => ((await api('GET', `/api/v1/conversations${query}`, { token: admin.accessToken })).body.data as { id: string }[]).map((c) => c.id);
    await expect.poll(() => order(), { timeout: 10_000 }).toEqual([newest.id, middle.id, older.id]);

    // Assign the oldest to me and label it: it stays last.
    expect((await api('PATCH', `/api/v1/conversations/${older.id}`, { token: admin.accessToken, body: { assigneeId: admin.userId } })).status).toBe(200);
    const label = await api('POST', '/api/v1/labels', { token: admin.accessToken, body: { name: 'Ordem' } });
    expect((await api('POST', `/api/v1/conversations/${older.id}/labels`, { token: admin.accessToken, body: { labelIds: [label.body.label?.id ?? label.body.id] } })).status).toBe(200);
    expect(await order()).toEqual([newest.id, middle.id, older.id]);

    // Pages of one follow the same order.
    const first = await api('GET', '/api/v1/conversations?limit=1', { token: admin.accessToken });
    const second = await api('GET', `/api/v1/conversations?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin.accessToken });
    const third = await api('GET', `/api/v1/conversations?limit=1&cursor=${encodeURIComponent(second.body.nextCursor)}`, { token: admin.accessToken });
    expect([first, second, third].map((p) => p.body.data[0].id)).toEqual([newest.id, middle.id, older.id]);

    // A new message does move it to the top (a second later than "terceira": WhatsApp's times are whole seconds).
    await say(olderFrom, 'voltei', -1);
    await expect.poll(() => order(), { timeout: 10_000 }).toEqual([older.id, newest.id, middle.id]);
  });
});
