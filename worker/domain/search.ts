// Search across an organisation: messages by Portuguese full-text search (accents ignored, words stemmed), ranked
// and with highlighted snippets; contacts by name (trigram similarity, so typos still match) or phone digits.
//
// Candidates come from the SECURITY DEFINER functions of migrations/0007_crm_search.sql, which can use the GIN
// indexes that row-level security would otherwise keep out of reach; they apply the tenant rule themselves (the
// transaction's app.org_id) and the agent rule (own or unassigned conversations). The rows are then read by id under
// RLS like any other tenant query, so a tenant only ever sees its own rows.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/tx';
import { messageContext, type ContentCrypto } from './content-crypto';

/**
 * How many of the newest matching messages are ranked. Bounds the work of a search for a common word (which may
 * match a large share of a million messages) while keeping rare words exact: relevance is computed among the
 * newest MESSAGE_CANDIDATES matches, which is what a support inbox wants to see first anyway.
 */
export const MESSAGE_CANDIDATES = 200;

const HL_START = '\u0002';
const HL_STOP = '\u0003';
// ts_headline options: short fragments around the matches, marked with control characters we turn into <mark>.
const HEADLINE_OPTIONS = `StartSel=${HL_START}, StopSel=${HL_STOP}, MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

export interface SnippetPart {
  text: string;
  highlight: boolean;
}

export interface MessageHit {
  id: string;
  conversationId: string;
  direction: string;
  kind: string;
  isPrivate: boolean;
  createdAt: Date;
  rank: number;
  /** HTML-escaped excerpt with the matched words in <mark>…</mark>. */
  snippet: string;
  /** The same excerpt as parts, for rendering without innerHTML. */
  snippetParts: SnippetPart[];
  conversation: { id: string; status: string; assigneeId: string | null };
  contact: { id: string; name: string | null; profileName: string | null; phone: string | null };
}

export interface ContactHit {
  id: string;
  name: string | null;
  profileName: string | null;
  phone: string | null;
  waId: string | null;
  email: string | null;
  score: number;
}

/** The part of a search box's text that can match a phone: its digits, when it looks like a number at all. */
export function phoneDigits(q: string): string {
  return /^[\s\d()+.-]+$/.test(q) ? q.replace(/\D/g, '') : '';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);

/** Splits ts_headline's output (with our control-character markers) into parts, and into safe HTML. */
export function snippetFrom(headline: string): { snippet: string; snippetParts: SnippetPart[] } {
  const parts: SnippetPart[] = [];
  let highlight = false;
  for (const piece of headline.split(new RegExp(`([${HL_START}${HL_STOP}])`))) {
    if (piece === HL_START) highlight = true;
    else if (piece === HL_STOP) highlight = false;
    else if (piece) {
      const last = parts[parts.length - 1];
      if (last && last.highlight === highlight) last.text += piece;
      else parts.push({ text: piece, highlight });
    }
  }
  const snippet = parts.map((p) => (p.highlight ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join('');
  return { snippet, snippetParts: parts };
}

const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** Whose messages a search covers: the organisation's, and for an agent (`viewer`) only its own and unassigned conversations'. */
export interface MessageScope {
  orgId: string;
  /** null: every conversation (admins, managers); a user id: that agent's and unassigned conversations. */
  viewer: string | null;
  /** The agent's departments: unassigned conversations of other departments' queues are not theirs to see. */
  departments?: string[];
}

/**
 * Messages in scope that match `q` (websearch syntax: words, "phrases", -excluded, or). Matching and ranking use the
 * search document; bodies are sealed (issue 21 §4), so the hits' bodies are opened here and sent back for Postgres to
 * cut the highlighted snippets from (one more round trip, only when there are hits; the text is not stored).
 */
export async function searchMessages(tx: Tx, scope: MessageScope, q: string, limit: number, crypto: ContentCrypto): Promise<MessageHit[]> {
  const { orgId, viewer } = scope;
  // A Postgres array literal of the agent's department ids (uuids read from the database, never user input).
  const deps = `{${(scope.departments ?? []).join(',')}}`;
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    with query as (select public.conversa_tsquery(${q}) as q),
    ranked as (
      select m.id, m.conversation_id, m.direction, m.kind, m.is_private, m.body, m.created_at,
             ts_rank(m.search_vector, query.q) as rank,
             cv.status as conversation_status, cv.assignee_id, cv.contact_id
        from public.conversa_search_message_hits((select q from query), ${viewer}::uuid, ${MESSAGE_CANDIDATES}) h
        join messages m on m.id = h.hit_id
        join conversations cv on cv.id = m.conversation_id
        cross join query
       where m.organization_id = ${orgId}
         and cv.organization_id = ${orgId}
         and cv.deleted_at is null
         and (${viewer}::uuid is null or cv.assignee_id = ${viewer}::uuid
              or (cv.assignee_id is null and (cv.department_id is null or cv.department_id = any(${deps}::uuid[]))))
       order by rank desc, m.created_at desc, m.id desc
       limit ${limit}
    )
    select r.id, r.conversation_id, r.direction, r.kind, r.is_private, r.created_at, r.rank, r.body,
           r.conversation_status, r.assignee_id,
           ct.id as contact_id, ct.name as contact_name, ct.profile_name as contact_profile_name, ct.phone_e164 as contact_phone
      from ranked r
      join contacts ct on ct.id = r.contact_id
     order by r.rank desc, r.created_at desc, r.id desc`);
  if (rows.length === 0) return [];
  const bodies = await Promise.all(rows.map(async (r) => (await crypto.openOrNull(r.body as string | null, messageContext(String(r.id)))) ?? ''));
  const { rows: headlines } = await tx.execute<{ headline: string }>(sql`
    select ts_headline('public.pt_unaccent', b.body, public.conversa_tsquery(${q}), ${HEADLINE_OPTIONS}) as headline
      from jsonb_array_elements_text(${JSON.stringify(bodies)}::jsonb) with ordinality as b(body, n)
     order by b.n`);
  return rows.map((r, i) => ({
    id: String(r.id),
    conversationId: String(r.conversation_id),
    direction: String(r.direction),
    kind: String(r.kind),
    isPrivate: Boolean(r.is_private),
    createdAt: asDate(r.created_at),
    rank: Number(r.rank),
    ...snippetFrom(String(headlines[i]?.headline ?? '')),
    conversation: { id: String(r.conversation_id), status: String(r.conversation_status), assigneeId: (r.assignee_id as string | null) ?? null },
    contact: {
      id: String(r.contact_id),
      name: (r.contact_name as string | null) ?? null,
      profileName: (r.contact_profile_name as string | null) ?? null,
      phone: (r.contact_phone as string | null) ?? null,
    },
  }));
}

/** Ids and scores of the contacts that match `q` by name (typos allowed) or phone digits, best first. */
export async function contactHits(tx: Tx, q: string, max: number): Promise<{ id: string; score: number }[]> {
  const digits = phoneDigits(q);
  const needle = digits ? '' : q;
  const { rows } = await tx.execute<{ hit_id: string; hit_score: number }>(
    sql`select hit_id, hit_score from public.conversa_search_contact_hits(${needle}, ${digits}, ${max})`,
  );
  return rows.map((r) => ({ id: r.hit_id, score: Number(r.hit_score) }));
}

export async function searchContacts(tx: Tx, orgId: string, q: string, limit: number): Promise<ContactHit[]> {
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    select c.id, c.name, c.profile_name, c.phone_e164, c.wa_id, c.email, h.hit_score
      from public.conversa_search_contact_hits(${phoneDigits(q) ? '' : q}, ${phoneDigits(q)}, ${limit}) h
      join contacts c on c.id = h.hit_id
     where c.organization_id = ${orgId} and c.deleted_at is null
     order by h.hit_score desc, c.name asc nulls last, c.id`);
  return rows.map((r) => ({
    id: String(r.id),
    name: (r.name as string | null) ?? null,
    profileName: (r.profile_name as string | null) ?? null,
    phone: (r.phone_e164 as string | null) ?? null,
    waId: (r.wa_id as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    score: Number(r.hit_score),
  }));
}
