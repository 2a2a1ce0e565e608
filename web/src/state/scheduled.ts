// Scheduled messages (sent later by the server's cron): the REST calls, and the organisation's time zone in which
// people pick their times. The open chat reloads its list when its room says `scheduled.updated`.
import { del, get, patch, post } from '../api/client';
import type { Organization, Page } from '../api/types';
import { session } from './session';
import type { CreateScheduledBody, ScheduledMessage, UpdateScheduledBody } from '../../../worker/schemas/scheduled-messages';

export type { ScheduledMessage } from '../../../worker/schemas/scheduled-messages';
export type ScheduledTemplate = NonNullable<ScheduledMessage['template']>;

export const listScheduled = (conversationId: string) =>
  get<Page<ScheduledMessage>>(`/api/v1/conversations/${conversationId}/scheduled-messages`).then((p) => p.data);

export const createScheduled = (conversationId: string, body: CreateScheduledBody) =>
  post<{ scheduled: ScheduledMessage }>(`/api/v1/conversations/${conversationId}/scheduled-messages`, body).then((r) => r.scheduled);

export const editScheduled = (id: string, body: UpdateScheduledBody) =>
  patch<{ scheduled: ScheduledMessage }>(`/api/v1/scheduled-messages/${id}`, body).then((r) => r.scheduled);

export const cancelScheduled = (id: string) => del<{ scheduled: ScheduledMessage }>(`/api/v1/scheduled-messages/${id}`);

/** The business's clock (Settings → Organisation); São Paulo when it cannot be read. */
export const DEFAULT_TIME_ZONE = 'America/Sao_Paulo';
const timeZones = new Map<string, Promise<string>>();
export function organizationTimeZone(): Promise<string> {
  const orgId = session.value?.organization.id ?? '';
  let zone = timeZones.get(orgId);
  if (!zone) {
    zone = get<{ organization: Organization }>('/api/v1/organization').then(
      (r) => r.organization.timezone || DEFAULT_TIME_ZONE,
      () => {
        timeZones.delete(orgId);
        return DEFAULT_TIME_ZONE;
      },
    );
    timeZones.set(orgId, zone);
  }
  return zone;
}
