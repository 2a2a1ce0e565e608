// Shared helpers for tests that run inside workerd against the real test database: every helper makes fresh
// organisations, users and client IPs, so tests never see each other's rows or rate-limit counters.
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { hashPassword } from '../worker/auth/password';
import { drainQueues } from './drain';
import { createDb } from '../worker/db/client';
import { memberships, organizations, users, type Role } from '../worker/db/schema';

export function testDb() {
  return createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
}

/** A fresh organisation per call (direct insert, for database-level tests). */
export async function createOrg(db: ReturnType<typeof testDb>['db'], name = 'Org') {
  const slug = `${name.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 8)}`;
  const [org] = await db.insert(organizations).values({ name, slug }).returning();
  return org!;
}

/** A client IP of its own (sent as CF-Connecting-IP, as Cloudflare does), so rate limits don't leak across tests. */
export function uniqueIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export const uniqueEmail = (prefix = 'user') => `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.test`;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; token?: string; ip?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { 'cf-connecting-ip': opts.ip ?? uniqueIp(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await SELF.fetch(`http://conversa.test${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const PASSWORD = 'senha-de-teste-123';

/** Tests act as an API client that keeps its refresh token itself (browsers only get the cookie). */
export const API_CLIENT = { 'x-refresh-token-in-body': 'true' };

export interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  orgId: string;
  email: string;
}

/** Signs up a new organisation through the API; returns its tenant admin's session. */
export async function signupOrg(name = 'Loja Teste'): Promise<Session> {
  const email = uniqueEmail('admin');
  const res = await api('POST', '/api/v1/auth/signup', {
    body: { organizationName: name, name: 'Admin Teste', email, password: PASSWORD },
    headers: API_CLIENT,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return toSession(res.body, email);
}

function toSession(body: any, email: string): Session {
  return {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    userId: body.user.id,
    orgId: body.organization.id,
    email,
  };
}

const { db: harnessDb } = testDb();
let cachedHash: Promise<string> | undefined;

/** Adds a member with the given role straight in the database, then logs them in through the API. */
export async function addMember(orgId: string, role: Role, opts: { superAdmin?: boolean } = {}): Promise<Session> {
  const email = uniqueEmail(role);
  const passwordHash = await (cachedHash ??= hashPassword(PASSWORD));
  const [user] = await harnessDb
    .insert(users)
    .values({ email, name: `${role} teste`, passwordHash, isSuperAdmin: opts.superAdmin ?? false })
    .returning();
  await harnessDb.insert(memberships).values({ organizationId: orgId, userId: user!.id, role });
  return login(email, PASSWORD, orgId);
}

export async function login(email: string, password: string, organizationId?: string): Promise<Session> {
  const res = await api('POST', '/api/v1/auth/login', { body: { email, password, organizationId }, headers: API_CLIENT });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return toSession(res.body, email);
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  kind: string;
  createdAt: string;
}

/** Mail the dev/test outbox provider "sent" to an address, newest first (after the queues sent what they hold). */
export async function outbox(to: string): Promise<OutboxMail[]> {
  await drainQueues();
  const res = await api<{ data: OutboxMail[] }>('GET', `/dev/outbox.json?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.body.data;
}
