import { FanoutRoom } from './fanout';

/** One per organisation: conversation-list updates for everyone in its inbox. */
export class OrgInbox extends FanoutRoom {}
