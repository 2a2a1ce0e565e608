// The R2 copies of an erased contact's data besides its messages' media: agents' uploads never sent, raw webhook
// bodies still waiting (worker/webhooks/enqueue.ts; their message went to the dead letters) and dead letters parked
// while the database was down (queues/dead-letter.ts). Raw and parked bodies name no organisation in their key, so
// they are read: few remain (ingest deletes raw bodies, the every-minute job moves parked letters).
import { PARKED_PREFIX } from '../../queues/dead-letter';
import { RAW_PREFIX } from '../jobs/raw-webhooks';
import type { Traces } from './erasure-copies';
import { outboundMediaPrefix } from './send';

type Bucket = Pick<R2Bucket, 'list' | 'get'>;

/** Where an agent's upload for a conversation waits; sent, its key becomes the message's media key. */
export const uploadPrefix = (orgId: string, conversationId: string) => `${outboundMediaPrefix(orgId)}${conversationId}/`;

async function listAll(bucket: Pick<R2Bucket, 'list'>, options: R2ListOptions): Promise<R2Object[]> {
  const out: R2Object[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ ...options, cursor });
    out.push(...page.objects);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

/** The uploads of these conversations that no message points at (those that do are the messages' media). */
export async function unattachedUploads(bucket: Bucket, orgId: string, conversationIds: string[], attached: string[]): Promise<string[]> {
  if (conversationIds.length === 0) return [];
  const sent = new Set(attached);
  const keys: string[] = [];
  for (const id of conversationIds) keys.push(...(await listAll(bucket, { prefix: uploadPrefix(orgId, id) })).map((o) => o.key));
  // Uploads stored before keys carried the conversation: it is in their metadata.
  const wanted = new Set(conversationIds);
  const legacy = await listAll(bucket, { prefix: outboundMediaPrefix(orgId), delimiter: '/', include: ['customMetadata'] });
  keys.push(...legacy.filter((o) => wanted.has(o.customMetadata?.conversationId ?? '')).map((o) => o.key));
  return keys.filter((k) => !sent.has(k));
}

const mentionsAny = (text: string, needles: string[]) => needles.some((n) => text.includes(n));

/**
 * Raw webhook bodies and parked dead letters that name the person: a body naming one of their identifiers and one
 * of the organisation's numbers (raw bodies belong to no organisation yet), or a parked letter of the organisation
 * naming the person, their contact or conversations.
 */
export async function storedBodiesNaming(bucket: Bucket, orgId: string, traces: Traces): Promise<{ raw: string[]; parked: string[] }> {
  const ids = [traces.contactId, ...traces.conversationIds];
  const pick = async (prefix: string, test: (text: string) => boolean) => {
    const found: string[] = [];
    for (const o of await listAll(bucket, { prefix })) {
      const body = await bucket.get(o.key);
      if (body && test(await body.text())) found.push(o.key);
    }
    return found;
  };
  const ours = (text: string) => mentionsAny(text, traces.identifiers) && mentionsAny(text, traces.channelKeys);
  return {
    raw: await pick(RAW_PREFIX, ours),
    parked: await pick(PARKED_PREFIX, (text) => ours(text) || (text.includes(orgId) && mentionsAny(text, [...traces.identifiers, ...ids]))),
  };
}

/** Every upload left under these conversations (their messages' media already went): for conversations purged by retention. */
export async function deleteUploadsOf(bucket: Pick<R2Bucket, 'list' | 'delete'>, orgId: string, conversationIds: string[]): Promise<number> {
  let deleted = 0;
  for (const id of conversationIds) {
    const keys = (await listAll(bucket, { prefix: uploadPrefix(orgId, id) })).map((o) => o.key);
    for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    deleted += keys.length;
  }
  return deleted;
}
