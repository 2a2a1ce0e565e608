// Worker entry: HTTP (Hono), queue consumers and cron, plus the Durable Object classes wrangler binds.
import { handleQueue } from '../queues';
import { createApp } from './app';
import type { Env } from './env';
import { handleScheduled } from './scheduled';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export { ConversationRoom } from '../durable-objects/conversation';
export { OrgInbox } from '../durable-objects/inbox';
export { ChannelThrottle } from '../durable-objects/channel-throttle';
export { MetricsHub } from '../durable-objects/metrics';
