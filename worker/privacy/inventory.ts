// What personal data each table holds, whose, and what removes it: the inventory the records-of-processing report
// (LGPD art. 37, worker/domain/privacy-report.ts) is generated from. inventory.test.ts fails when a table of the
// schema is in neither list or a listed column does not exist, so a new table cannot go unreported.

/** Whose data: the business's customers (WhatsApp contacts) or its team (users, members). */
export type Subject = 'customers' | 'team';

export type Category =
  | 'identity' // names, phone numbers, WhatsApp ids, e-mail addresses
  | 'profile' // attributes, notes, labels kept about a person
  | 'message_content' // what people wrote, and the files they sent
  | 'activity' // when they wrote, read, were assigned; presence
  | 'commercial' // deals, values, outcomes
  | 'feedback' // satisfaction ratings and comments
  | 'credentials' // password and token hashes
  | 'network'; // IP addresses and user agents

/**
 * What ends a row's life:
 * - `retention`: the organisation's retention policy (idle conversations hidden, then deleted with their messages and
 *   media after the grace period; a legal hold, an important message or an open deal exempts the conversation, see
 *   worker/jobs/retention.ts), and contact erasure;
 * - `erasure`: kept until an admin erases the contact (or deletes the record);
 * - `membership`: kept while the person belongs to the organisation / has an account;
 * - `expiry`: unusable after its expiry, but the row is not purged yet;
 * - `indefinite`: nothing removes it yet.
 */
export type Keep = 'retention' | 'erasure' | 'membership' | 'expiry' | 'indefinite';

export interface Held {
  subjects: readonly Subject[];
  categories: readonly Category[];
  /** The columns that carry it. */
  columns: readonly string[];
  keep: Keep;
}

export const PERSONAL_TABLES = {
  contacts: { subjects: ['customers'], categories: ['identity', 'profile'], columns: ['wa_id', 'phone_e164', 'name', 'profile_name', 'email', 'attributes', 'notes', 'search_name'], keep: 'erasure' },
  contact_wa_aliases: { subjects: ['customers'], categories: ['identity'], columns: ['wa_id'], keep: 'erasure' },
  contact_notes: { subjects: ['customers'], categories: ['profile'], columns: ['body'], keep: 'erasure' },
  contact_labels: { subjects: ['customers'], categories: ['profile'], columns: ['contact_id', 'label_id'], keep: 'erasure' },
  conversations: { subjects: ['customers', 'team'], categories: ['message_content', 'activity'], columns: ['last_message_preview', 'assignee_id', 'last_inbound_at'], keep: 'retention' },
  conversation_labels: { subjects: ['customers'], categories: ['profile'], columns: ['conversation_id', 'label_id'], keep: 'retention' },
  conversation_reads: { subjects: ['team'], categories: ['activity'], columns: ['user_id', 'read_at'], keep: 'retention' },
  messages: { subjects: ['customers', 'team'], categories: ['message_content', 'activity'], columns: ['body', 'payload', 'media_key', 'media_filename', 'sender_user_id', 'read_at', 'search_vector'], keep: 'retention' },
  message_reactions: { subjects: ['customers', 'team'], categories: ['message_content'], columns: ['emoji', 'contact_id', 'user_id'], keep: 'retention' },
  scheduled_messages: { subjects: ['customers'], categories: ['message_content'], columns: ['body', 'template'], keep: 'retention' },
  csat_responses: { subjects: ['customers', 'team'], categories: ['feedback'], columns: ['rating', 'comment', 'agent_id'], keep: 'retention' },
  deals: { subjects: ['customers', 'team'], categories: ['commercial'], columns: ['title', 'value_cents', 'contact_id', 'owner_id', 'lost_reason'], keep: 'erasure' },
  deal_stage_history: { subjects: ['team'], categories: ['commercial', 'activity'], columns: ['moved_by', 'moved_at'], keep: 'erasure' },
  user_notifications: { subjects: ['team'], categories: ['activity'], columns: ['user_id', 'actor_user_id'], keep: 'indefinite' },
  users: { subjects: ['team'], categories: ['identity', 'credentials', 'activity'], columns: ['email', 'name', 'password_hash', 'last_login_at'], keep: 'membership' },
  memberships: { subjects: ['team'], categories: ['activity'], columns: ['user_id', 'role', 'presence'], keep: 'membership' },
  department_members: { subjects: ['team'], categories: ['activity'], columns: ['user_id', 'last_assigned_at'], keep: 'membership' },
  invitations: { subjects: ['team'], categories: ['identity', 'credentials'], columns: ['email', 'token_hash'], keep: 'expiry' },
  sessions: { subjects: ['team'], categories: ['credentials', 'network'], columns: ['token_hash', 'ip', 'user_agent'], keep: 'expiry' },
  password_resets: { subjects: ['team'], categories: ['credentials', 'network'], columns: ['token_hash', 'requested_ip'], keep: 'expiry' },
  api_keys: { subjects: ['team'], categories: ['credentials'], columns: ['key_hash', 'created_by'], keep: 'membership' },
  audit_logs: { subjects: ['team', 'customers'], categories: ['activity', 'network'], columns: ['actor_user_id', 'ip', 'user_agent', 'metadata'], keep: 'indefinite' },
  mail_outbox: { subjects: ['team'], categories: ['identity', 'credentials'], columns: ['to', 'text', 'html'], keep: 'indefinite' },
  dead_letters: { subjects: ['customers'], categories: ['identity', 'message_content'], columns: ['body'], keep: 'erasure' },
  unroutable_events: { subjects: ['customers'], categories: ['identity', 'message_content'], columns: ['payload'], keep: 'erasure' },
  pending_statuses: { subjects: ['customers'], categories: ['activity'], columns: ['event'], keep: 'indefinite' },
  // Who placed and lifted a legal hold, and why (the reason may name the customer); goes with the conversation.
  legal_holds: { subjects: ['team', 'customers'], categories: ['activity'], columns: ['reason', 'placed_by', 'lifted_by', 'lift_reason'], keep: 'retention' },
  webhook_deliveries: { subjects: ['customers', 'team'], categories: ['identity', 'message_content'], columns: ['body'], keep: 'erasure' },
  webhook_delivery_attempts: { subjects: ['customers'], categories: ['message_content'], columns: ['response_snippet'], keep: 'erasure' },
  // Who asked for whose access-request export; the ZIP itself is the R2 store 'data_exports' below.
  data_exports: { subjects: ['customers', 'team'], categories: ['activity'], columns: ['contact_id', 'requested_by'], keep: 'expiry' },
} as const satisfies Record<string, Held>;

/** Tables with no personal data (configuration, counters, ids only). */
export const NO_PERSONAL_DATA = [
  'organizations',
  'channels',
  'labels',
  'pipelines',
  'pipeline_stages',
  'canned_responses',
  'message_templates',
  'contact_attribute_definitions',
  'departments',
  'retention_runs',
  'webhook_endpoints',
  'message_counts_hourly', // messages per channel, hour and direction: counts only
  'organization_keys', // wrapped data keys (issue 21 §4): key material, no personal data
] as const;

/** Where else personal data is kept than Postgres, and for how long (what the code does today). */
export const OTHER_STORES = [
  { store: 'r2', what: 'media', subjects: ['customers', 'team'], categories: ['message_content'], keep: 'retention' },
  { store: 'r2', what: 'raw_webhooks', subjects: ['customers'], categories: ['identity', 'message_content'], keep: 'expiry' },
  // Access-request ZIPs (everything about one contact): deleted by the daily sweep once the link expires (24 h).
  { store: 'r2', what: 'data_exports', subjects: ['customers', 'team'], categories: ['identity', 'profile', 'message_content', 'commercial', 'activity'], keep: 'expiry' },
  { store: 'r2', what: 'parked_queue_messages', subjects: ['customers'], categories: ['identity', 'message_content'], keep: 'indefinite' },
  { store: 'durable_objects', what: 'realtime_history', subjects: ['customers', 'team'], categories: ['message_content', 'activity'], keep: 'indefinite' },
  { store: 'queues', what: 'in_transit', subjects: ['customers', 'team'], categories: ['identity', 'message_content'], keep: 'expiry' },
  { store: 'logs', what: 'worker_logs', subjects: ['team'], categories: ['activity'], keep: 'expiry' },
] as const;

/**
 * Content sealed with the organisation's data key when ENCRYPTION_MASTER_KEYS is configured (issue 21 §4,
 * worker/domain/content-crypto.ts). Rows written before keep plaintext until the backfill seals them
 * (worker/jobs/encrypt-backfill.ts); crypto-shredding makes all of it unreadable.
 */
export const ENCRYPTED_AT_REST = {
  postgres: { messages: ['body'], conversations: ['last_message_preview'], contact_notes: ['body'] },
  stores: ['r2:media'],
} as const satisfies { postgres: Partial<Record<keyof typeof PERSONAL_TABLES, readonly string[]>>; stores: readonly string[] };

/**
 * The one plaintext-derived copy of message text kept at rest beside the sealed body: the full-text search document.
 * Stated in the records of processing and SECURITY.md as the trade-off that keeps search working.
 */
export const SEARCH_DOCUMENT = {
  table: 'messages',
  column: 'search_vector',
  of: 'body',
  what:
    'Full-text search document of each message: Portuguese-stemmed, unaccented lexemes with their positions (not sentences). ' +
    'It lets search work on encrypted bodies and can partly reveal the words a message used; it goes with its message when ' +
    'contact erasure or retention deletes it, and is cleared for the whole organisation by crypto-shredding.',
} as const;

/** What stays plaintext at rest even with content encryption on (SECURITY.md lists the same, with reasons). */
export const NOT_ENCRYPTED = [
  'r2:raw_webhooks (oversized webhook bodies awaiting ingest, deleted after 30 days at most)',
  'dead_letters.body and r2:parked_queue_messages (queue messages that exhausted their retries)',
  'webhook_deliveries.body (payloads of outgoing webhooks)',
  'durable_objects:realtime_history (the realtime replay buffers)',
  'queues:in_transit (queue messages on their way)',
  'r2:data_exports while a ZIP is being built',
  'scheduled_messages.body (text of scheduled messages until sent)',
  'csat_responses.comment (satisfaction comments)',
] as const;
