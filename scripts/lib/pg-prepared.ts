// Named prepared statements on a server session that outlives its clients (the benchmark's session pooler) or that
// all clients share (PGlite, one backend behind the dev proxy). Postgres refuses a second Parse of a name it holds,
// while each new client, knowing nothing of the earlier ones, parses its statements again. As PgBouncer does with
// `max_prepared_statements` (Neon's pooled endpoint) and Hyperdrive: a Parse of a statement the session already
// holds (same name, same text) is answered here with ParseComplete and never reaches the server.
const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
export const PARSE_COMPLETE = message('1', Buffer.alloc(0));

/** Name and text of a Parse message (both NUL-terminated, after the 5-byte header). */
function parseMessage(msg: Buffer): { name: string; text: string } {
  const nameEnd = msg.indexOf(0, 5);
  const textEnd = msg.indexOf(0, nameEnd + 1);
  return { name: msg.toString('utf8', 5, nameEnd), text: msg.toString('utf8', nameEnd + 1, textEnd) };
}

/** The named statements a server session holds: name → text. */
export type HeldStatements = Map<string, string>;

/**
 * One client's view of a session's statements. `fromClient` takes each whole frontend message and says whether it
 * goes on to the server (false: answered here, `answer` got the ParseComplete); `fromServer` takes each backend
 * message type, so that a statement counts as held only once the server said ParseComplete.
 */
export function preparedTracker(held: () => HeldStatements | null, answer: (data: Buffer) => void) {
  // Named Parses forwarded and not yet answered, in order.
  const parsing: { name: string; text: string }[] = [];
  return {
    /** `idle`: nothing of this client is in flight, so an answer given now comes before any of the server's. */
    fromClient(msg: Buffer, idle: boolean): boolean {
      const statements = held();
      if (!statements) return true;
      const type = msg[0];
      if (type === 0x50) {
        // 'P'
        const p = parseMessage(msg);
        if (!p.name) return true;
        if (statements.get(p.name) === p.text && idle) {
          answer(PARSE_COMPLETE);
          return false;
        }
        parsing.push(p);
      } else if (type === 0x43 && msg[5] === 0x53) {
        // 'C' Close of a statement
        statements.delete(msg.toString('utf8', 6, msg.indexOf(0, 6)));
      }
      return true;
    },
    fromServer(type: string): void {
      if (type === '1') {
        const p = parsing.shift();
        if (p) held()?.set(p.name, p.text);
      } else if (type === 'Z') parsing.length = 0; // an error made the server skip the rest of the exchange
    },
  };
}
