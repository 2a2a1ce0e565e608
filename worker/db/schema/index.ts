export * from './enums';
export * from './ids';
export * from './platform';
export * from './auth';
export * from './members';
export * from './channels';
export * from './content';
export * from './contacts';
export * from './crm';
export * from './departments';
export * from './conversations';
export * from './messages';
export * from './deals';
export * from './audit';
export * from './ops';
export * from './mail';
export * from './notifications';
export * from './scheduled';
export * from './csat';
export * from './integrations';
export * from './reports';
export * from './legal-holds';
export * from './exports';
export * from './encryption';

// SQL tables that carry organization_id NOT NULL and get row-level security (hand-written migration).
// Platform tables (organizations, users, sessions, password_resets, dead_letters, audit_logs) are excluded.
export const TENANT_TABLES = [
  'memberships',
  'invitations',
  'channels',
  'contacts',
  'labels',
  'contact_labels',
  'conversations',
  'conversation_labels',
  'messages',
  'message_reactions',
  'pipelines',
  'pipeline_stages',
  'deals',
  'deal_stage_history',
  'canned_responses',
  'message_templates',
  'retention_runs',
  'contact_attribute_definitions',
  'contact_notes',
  'contact_wa_aliases',
  'pending_statuses',
  'user_notifications',
  'conversation_reads',
  'departments',
  'department_members',
  'scheduled_messages',
  'csat_responses',
  'api_keys',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_delivery_attempts',
  'message_counts_hourly',
  'legal_holds',
  'data_exports',
  'organization_keys',
] as const;
export type TenantTable = (typeof TENANT_TABLES)[number];
