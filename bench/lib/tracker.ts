// Webhook → screen bookkeeping: every message posted is remembered by wamid (and by the #b<seq> token of its text)
// with its POST time; every WebSocket event is matched back to it. Room sockets (message.created) must get each
// message of their conversation exactly once; inbox sockets (conversation.updated) show the latest preview, so a
// message whose preview was superseded within one batch is simply not seen there.
import type { RealtimeEvent } from '../../durable-objects/protocol';
import type { AgentSocket } from './agents';
import { summarize, type Summary } from './stats';
import { TOKEN_RE } from './webhooks';

interface SentInfo {
  seq: number;
  postedAt: number;
  stage: string;
  orgId: string;
  conversationId?: string;
  accepted?: boolean;
}

export interface RealtimeReport {
  /** Per stage: room-socket latency (message.created) and inbox latency (conversation.updated). */
  stages: Record<string, { room: Summary | null; inbox: Summary | null }>;
  all: { room: Summary | null; inbox: Summary | null };
  room: { sockets: number; expected: number; received: number; missing: number; duplicated: number; unexpected: number };
  inbox: { sockets: number; matched: number };
  /** Room latency by second of posting time (from the first post): when a spike happened, and how long it lasted. */
  timeline: { second: number; n: number; median: number; max: number }[];
}

export class Tracker {
  private byWamid = new Map<string, SentInfo>();
  private bySeq = new Map<number, SentInfo>();
  private roomSockets = new Map<string, AgentSocket[]>();
  private inboxSockets = new Set<AgentSocket>();
  private roomSeen = new Map<AgentSocket, Map<string, number>>();
  private inboxSeen = new Map<AgentSocket, Set<number>>();
  private roomLat: { stage: string; ms: number; postedAt: number }[] = [];
  private inboxLat: { stage: string; ms: number; postedAt: number }[] = [];
  private unexpected = 0;

  /** Before the POST leaves (an event may beat the HTTP answer). */
  posted(wamid: string, seq: number, token: boolean, info: Omit<SentInfo, 'seq'>) {
    const s: SentInfo = { seq, ...info };
    this.byWamid.set(wamid, s);
    if (token) this.bySeq.set(seq, s);
  }

  accepted(wamid: string, ok: boolean) {
    const s = this.byWamid.get(wamid);
    if (s && ok) s.accepted = true;
  }

  watch(socket: AgentSocket) {
    if (socket.room === 'inbox') {
      this.inboxSockets.add(socket);
      this.inboxSeen.set(socket, new Set());
    } else {
      this.roomSockets.set(socket.room, [...(this.roomSockets.get(socket.room) ?? []), socket]);
      this.roomSeen.set(socket, new Map());
    }
  }

  onEvent = (socket: AgentSocket, e: RealtimeEvent, at: number) => {
    if (socket.room !== 'inbox' && e.type === 'message.created') {
      const wamid = (e.data as { providerMessageId?: string }).providerMessageId;
      const sent = wamid ? this.byWamid.get(wamid) : undefined;
      if (!wamid || !sent) {
        this.unexpected++;
        return;
      }
      const seen = this.roomSeen.get(socket)!;
      const n = (seen.get(wamid) ?? 0) + 1;
      seen.set(wamid, n);
      if (n === 1) this.roomLat.push({ stage: sent.stage, ms: at - sent.postedAt, postedAt: sent.postedAt });
    } else if (socket.room === 'inbox' && e.type === 'conversation.updated') {
      const preview = (e.data as { lastMessagePreview?: string | null }).lastMessagePreview ?? '';
      const m = TOKEN_RE.exec(preview);
      const sent = m ? this.bySeq.get(Number(m[1])) : undefined;
      if (!sent) return;
      const seen = this.inboxSeen.get(socket)!;
      if (seen.has(sent.seq)) return;
      seen.add(sent.seq);
      this.inboxLat.push({ stage: sent.stage, ms: at - sent.postedAt, postedAt: sent.postedAt });
    }
  };

  /**
   * Messages posted in `stage` on agents' screens: when the last of them reached a watching socket (room or inbox
   * preview, perf clock) and how many room deliveries never came.
   */
  onScreens(stage: string): { lastArrival: number | null; missing: number } {
    const arrivals = [...this.roomLat, ...this.inboxLat].filter((x) => x.stage === stage).map((x) => x.postedAt + x.ms);
    let missing = 0;
    for (const [wamid, s] of this.byWamid) {
      if (s.stage !== stage || !s.accepted || !s.conversationId) continue;
      for (const sock of this.roomSockets.get(s.conversationId) ?? []) if (!this.roomSeen.get(sock)!.has(wamid)) missing++;
    }
    return { lastArrival: arrivals.length ? Math.max(...arrivals) : null, missing };
  }

  report(stageNames: string[]): RealtimeReport {
    const stages: RealtimeReport['stages'] = {};
    for (const name of stageNames) {
      stages[name] = {
        room: summarize(this.roomLat.filter((x) => x.stage === name).map((x) => x.ms)),
        inbox: summarize(this.inboxLat.filter((x) => x.stage === name).map((x) => x.ms)),
      };
    }
    let expected = 0;
    let received = 0;
    let duplicated = 0;
    let missing = 0;
    for (const [wamid, s] of this.byWamid) {
      if (!s.accepted || !s.conversationId) continue;
      for (const sock of this.roomSockets.get(s.conversationId) ?? []) {
        expected++;
        const n = this.roomSeen.get(sock)!.get(wamid) ?? 0;
        if (n === 0) missing++;
        else received++;
        if (n > 1) duplicated += n - 1;
      }
    }
    const sockets = [...this.roomSockets.values()].reduce((a, b) => a + b.length, 0);
    const t0 = Math.min(...this.roomLat.map((x) => x.postedAt));
    const bySecond = new Map<number, number[]>();
    for (const x of this.roomLat) {
      const sec = Math.floor((x.postedAt - t0) / 1000);
      bySecond.set(sec, [...(bySecond.get(sec) ?? []), x.ms]);
    }
    const timeline = [...bySecond]
      .sort((a, b) => a[0] - b[0])
      .map(([second, v]) => {
        const s = summarize(v)!;
        return { second, n: s.count, median: s.median, max: s.max };
      });
    return {
      stages,
      all: { room: summarize(this.roomLat.map((x) => x.ms)), inbox: summarize(this.inboxLat.map((x) => x.ms)) },
      room: { sockets, expected, received, missing, duplicated, unexpected: this.unexpected },
      inbox: { sockets: this.inboxSockets.size, matched: this.inboxLat.length },
      timeline,
    };
  }
}
