// Who is logged in: the access token lives only in memory; the refresh token is an httpOnly cookie the browser
// sends to /api/v1/auth. Refreshes are serialised — within a tab by one shared promise, across tabs by a Web Lock —
// because a refresh token presented twice revokes the whole login. Tabs share new tokens over a BroadcastChannel.
import { computed, signal } from '@preact/signals';
import { ApiError, configureAuth, post } from '../api/client';
import type { OrgChoice, TokenResponse, User } from '../api/types';
import { suggestLocale } from '../i18n';

export interface Session {
  accessToken: string;
  /** ms since epoch, from expiresIn. */
  expiresAt: number;
  user: User;
  organization: OrgChoice;
  organizations: OrgChoice[];
}

export const session = signal<Session | null>(null);
export const authStatus = signal<'loading' | 'authed' | 'anon'>('loading');
/** Why the last session ended (shown on the login page), as an error code. */
export const endedReason = signal<string | null>(null);

export const role = computed(() => session.value?.organization.role ?? null);
export const isAdmin = computed(() => role.value === 'tenant_admin');
export const isStaff = computed(() => role.value === 'tenant_admin' || role.value === 'manager');
export const userId = computed(() => session.value?.user.id ?? null);

type TabMessage = { type: 'session'; session: Session } | { type: 'logout' };
const tabs = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('conversa-auth') : null;

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let adoptedAt = 0;
let inflight: Promise<string | null> | null = null;

function schedule(expiresAt: number) {
  clearTimeout(refreshTimer);
  // A minute early, so requests never carry a token about to expire.
  const wait = Math.max(expiresAt - Date.now() - 60_000, 5_000);
  refreshTimer = setTimeout(() => void refresh().catch(() => {}), wait);
}

function toSession(r: TokenResponse): Session {
  return {
    accessToken: r.accessToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
    user: r.user,
    organization: r.organization,
    organizations: r.organizations,
  };
}

// A hint (not a secret) that this browser has a login, so a visitor without one skips the refresh call.
const HINT = 'conversa.hasSession';
function hint(on: boolean) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    // Storage blocked: every load tries the refresh.
  }
}
function hinted(): boolean {
  try {
    return localStorage.getItem(HINT) !== null;
  } catch {
    return true;
  }
}

function adopt(next: Session, tell: boolean) {
  const prev = session.value;
  hint(true);
  session.value = next;
  authStatus.value = 'authed';
  endedReason.value = null;
  adoptedAt = Date.now();
  schedule(next.expiresAt);
  suggestLocale(next.user.locale ?? next.organization.locale);
  if (tell) tabs?.postMessage({ type: 'session', session: next } satisfies TabMessage);
  return prev;
}

function clear(reason: string | null) {
  clearTimeout(refreshTimer);
  hint(false);
  session.value = null;
  authStatus.value = 'anon';
  endedReason.value = reason;
}

tabs?.addEventListener('message', (e: MessageEvent<TabMessage>) => {
  const msg = e.data;
  if (msg.type === 'logout') {
    if (session.value) clear('logged_out_elsewhere');
    return;
  }
  const prev = session.value;
  // The cookie jar is shared: another login in another tab is now this tab's login too. A different person or
  // organisation means everything on screen is stale, so start over.
  if (prev && (prev.user.id !== msg.session.user.id || prev.organization.id !== msg.session.organization.id)) {
    location.reload();
    return;
  }
  adopt(msg.session, false);
});

async function refreshNow(): Promise<string | null> {
  const started = Date.now();
  const run = async (): Promise<string | null> => {
    // Another tab refreshed while this one waited for the lock: its token is ours too (cookie already rotated).
    if (adoptedAt > started && session.value) return session.value.accessToken;
    try {
      const r = await post<TokenResponse>('/api/v1/auth/refresh', {}, { auth: false });
      adopt(toSession(r), true);
      return r.accessToken;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        clear(session.value ? err.code : null);
        return null;
      }
      throw err;
    }
  };
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request('conversa-refresh', run) : run();
}

/** A fresh access token, or null when the login is gone. One refresh at a time, whoever asks. */
export function refresh(): Promise<string | null> {
  inflight ??= refreshNow().finally(() => {
    inflight = null;
  });
  return inflight;
}

configureAuth({
  token: () => {
    const s = session.value;
    return s && s.expiresAt > Date.now() + 5_000 ? s.accessToken : null;
  },
  refresh,
  ended: (code) => {
    if (session.value) clear(code);
  },
});

/** On page load: the cookie, if any, gives a session without asking for the password. */
export async function boot(): Promise<void> {
  try {
    if (hinted()) await refresh();
  } catch {
    // Network trouble at start: show the login page; it works again once the API answers.
  }
  if (!session.value) authStatus.value = 'anon';
}

export async function login(email: string, password: string): Promise<void> {
  const r = await post<TokenResponse>('/api/v1/auth/login', { email, password }, { auth: false });
  adopt(toSession(r), true);
}

export async function signup(body: { organizationName: string; name: string; email: string; password: string }): Promise<void> {
  const r = await post<TokenResponse>('/api/v1/auth/signup', body, { auth: false });
  adopt(toSession(r), true);
}

export async function acceptInvitation(body: { token: string; name?: string; password: string }): Promise<void> {
  const r = await post<TokenResponse>('/api/v1/invitations/accept', body, { auth: false });
  adopt(toSession(r), true);
}

export async function switchOrganization(organizationId: string): Promise<void> {
  const r = await post<TokenResponse>('/api/v1/auth/switch-organization', { organizationId });
  adopt(toSession(r), true);
  // Everything loaded belongs to the old organisation.
  location.assign('/inbox');
}

export async function logout(): Promise<void> {
  try {
    await post('/api/v1/auth/logout', {}, { auth: false });
  } catch {
    // The cookie may survive a failed call; the session in this tab ends anyway.
  }
  tabs?.postMessage({ type: 'logout' } satisfies TabMessage);
  clear(null);
}
