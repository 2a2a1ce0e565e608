// Rows as a deployment before content encryption wrote them (issue 21 §4): plaintext message bodies (the search
// document comes from the trigger, as from the old generated column), a plaintext conversation preview and notes.
// Direct SQL, owner connection: the state the backfill and shredding start from.
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { channels, contacts, conversations } from '../worker/db/schema';
import { testDb } from './harness';

export interface LegacyContent {
  conversationIds: string[];
  messages: { id: string; body: string }[];
  notes: { id: string; body: string }[];
  previews: { conversationId: string; preview: string }[];
}

const { db } = testDb();

/** Two conversations with `perConversation` plaintext messages each (the last one as the preview), and a note per contact. */
export async function seedLegacyContent(orgId: string, perConversation = 3): Promise<LegacyContent> {
  const [channel] = await db
    .insert(channels)
    .values({ organizationId: orgId, provider: 'meta_cloud', name: 'Legado', phoneNumberId: `9${crypto.getRandomValues(new Uint32Array(1))[0]}` })
    .returning();
  const out: LegacyContent = { conversationIds: [], messages: [], notes: [], previews: [] };
  for (const name of ['Joana', 'Márcio']) {
    const [contact] = await db.insert(contacts).values({ organizationId: orgId, waId: `5511${crypto.getRandomValues(new Uint32Array(1))[0]}`, name }).returning();
    const [conv] = await db.insert(conversations).values({ organizationId: orgId, channelId: channel!.id, contactId: contact!.id }).returning();
    out.conversationIds.push(conv!.id);
    let last = '';
    for (let i = 0; i < perConversation; i++) {
      last = `${name} pergunta sobre o boleto número ${i} da fatura atrasada`;
      const { rows } = await db.execute<{ id: string }>(sql`
        insert into messages (id, organization_id, conversation_id, direction, kind, body, status)
        values (${uuidv7()}, ${orgId}, ${conv!.id}, 'inbound', 'text', ${last}, 'received') returning id`);
      out.messages.push({ id: rows[0]!.id, body: last });
    }
    await db.execute(sql`update conversations set last_message_preview = ${last} where id = ${conv!.id}`);
    out.previews.push({ conversationId: conv!.id, preview: last });
    const note = `${name} prefere contato à tarde; CPF 123.456.789-00`;
    const { rows } = await db.execute<{ id: string }>(sql`
      insert into contact_notes (id, organization_id, contact_id, body) values (${uuidv7()}, ${orgId}, ${contact!.id}, ${note}) returning id`);
    out.notes.push({ id: rows[0]!.id, body: note });
  }
  return out;
}

/** Counts of plaintext left in the three sealed columns of an organisation. */
export async function plaintextLeft(orgId: string) {
  const { rows } = await db.execute<{ messages: number; notes: number; previews: number }>(sql`
    select
      (select count(*)::int from messages where organization_id = ${orgId} and body is not null and body not like 'enc:v1:%') as messages,
      (select count(*)::int from contact_notes where organization_id = ${orgId} and body not like 'enc:v1:%') as notes,
      (select count(*)::int from conversations where organization_id = ${orgId} and last_message_preview is not null and last_message_preview not like 'enc:v1:%') as previews`);
  return rows[0]!;
}
