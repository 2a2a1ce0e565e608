import { FanoutRoom } from './fanout';

/** One per conversation (named `${orgId}:${conversationId}`): the agents watching that chat. */
export class ConversationRoom extends FanoutRoom {}
