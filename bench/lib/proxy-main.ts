// The WebSocket→TCP proxy the Neon driver needs locally, in its own process so that database traffic does not
// share an event loop with the load generator's timers. Prints its address as one JSON line, exits with its parent.
import { startWsProxy } from '../../scripts/lib/ws-proxy';

const proxy = await startWsProxy({ serialize: process.env.BENCH_PROXY_SERIALIZE === '1' });
process.stdout.write(`${JSON.stringify({ address: proxy.address })}\n`);
const stop = () => proxy.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
process.stdin.on('end', stop);
process.stdin.resume();
