// `realtime.notify`: events a room did not take at first (worker/realtime/notify.ts queued them), tried again with
// backoff; after NOTIFY_MAX_ATTEMPTS the room's sockets are told to resync instead.
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { NOTIFY_MAX_ATTEMPTS, resyncRoom, roomOf, type RoomEvent } from '../worker/realtime/notify';
import type { Typed } from '.';
import { retryBase, retryDelay } from './retry';

export async function redeliverNotifications(items: Typed<'realtime.notify'>[], env: Env, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    try {
      await roomOf(env, body.organizationId, body.conversationId).publishMany(body.events as RoomEvent[]);
      message.ack();
    } catch (err) {
      if (message.attempts < NOTIFY_MAX_ATTEMPTS) {
        log.warn('realtime notify failed again; will retry', { ...errorFields(err), attempts: message.attempts });
        message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
        continue;
      }
      await resyncRoom(env, body.organizationId, body.conversationId, log);
      message.ack();
    }
  }
}
