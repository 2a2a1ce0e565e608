// Who is who in the organisation. Everyone loads the team (/api/v1/team: names and roles, any role may read it), so
// typing indicators and assignees show colleagues' names; staff also load the members (with e-mails) for the assign
// menu.
import { signal } from '@preact/signals';
import { get, put } from '../api/client';
import type { Member, Page, TeamMember } from '../api/types';
import { isStaff, session } from './session';

export const members = signal<Member[] | null>(null);
export const team = signal<TeamMember[] | null>(null);
let loading: Promise<void> | null = null;

export function loadMembers(force = false): Promise<void> {
  if ((members.value || !isStaff.value) && team.value && !force) return Promise.resolve();
  loading ??= Promise.all([
    get<{ data: TeamMember[] }>('/api/v1/team').then(
      (r) => {
        team.value = r.data;
      },
      () => {},
    ),
    isStaff.value
      ? get<Page<Member>>('/api/v1/members').then(
          (r) => {
            members.value = r.data;
          },
          () => {},
        )
      : undefined,
  ]).then(() => {
    loading = null;
  });
  return loading;
}

export function memberName(userId: string | null | undefined): string | null {
  if (!userId) return null;
  if (userId === session.value?.user.id) return session.value.user.name ?? session.value.user.email;
  const m = members.value?.find((x) => x.userId === userId);
  if (m) return m.name ?? m.email;
  return team.value?.find((x) => x.id === userId)?.name ?? null;
}

/** A colleague not known yet (joined after the page loaded): reload the team once in a while. */
let lastMiss = 0;
export function memberNameOrLoad(userId: string | null | undefined): string | null {
  const name = memberName(userId);
  if (!name && userId && Date.now() - lastMiss > 30_000) {
    lastMiss = Date.now();
    void loadMembers(true);
  }
  return name;
}

export function resetMembers() {
  members.value = null;
  team.value = null;
}

/** One's own status (online / away); auto-assignment gives work only to those online. */
export async function setMyPresence(presence: 'online' | 'away'): Promise<void> {
  await put('/api/v1/presence', { presence });
  const me = session.value?.user.id;
  if (team.value && me) team.value = team.value.map((m) => (m.id === me ? { ...m, presence } : m));
}

export function presenceOf(userId: string | null | undefined): TeamMember['presence'] | undefined {
  return team.value?.find((m) => m.id === userId)?.presence;
}
