// The organisation's members, for assignee names and the assign menu. Only staff may list them; agents see
// "you" or "unassigned" (other agents' conversations are not theirs to see anyway).
import { signal } from '@preact/signals';
import { get } from '../api/client';
import type { Member, Page } from '../api/types';
import { isStaff, session } from './session';

export const members = signal<Member[] | null>(null);
let loading: Promise<void> | null = null;

export function loadMembers(force = false): Promise<void> {
  if (!isStaff.value) return Promise.resolve();
  if (members.value && !force) return Promise.resolve();
  loading ??= get<Page<Member>>('/api/v1/members')
    .then((r) => {
      members.value = r.data;
    })
    .catch(() => {})
    .finally(() => {
      loading = null;
    });
  return loading;
}

export function memberName(userId: string | null | undefined): string | null {
  if (!userId) return null;
  if (userId === session.value?.user.id) return session.value.user.name ?? session.value.user.email;
  const m = members.value?.find((x) => x.userId === userId);
  return m ? (m.name ?? m.email) : null;
}

export function resetMembers() {
  members.value = null;
}
