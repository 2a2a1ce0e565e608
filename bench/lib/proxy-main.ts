// The WebSocket→TCP proxy the Neon driver needs locally, in its own process so that database traffic does not
// share an event loop with the load generator's timers. Prints its addresses as one JSON line; then answers JSON-line
// commands on stdin ({"cmd":"turns"} → {"turns":[…]}, {"cmd":"reset"} → {"reset":true}); exits with its parent.
import { createInterface } from 'node:readline';
import { startWsProxy } from '../../scripts/lib/ws-proxy';

const proxy = await startWsProxy({
  serialize: process.env.BENCH_PROXY_SERIALIZE === '1',
  latencyMs: Number(process.env.BENCH_PROXY_LATENCY_MS ?? 0),
  pool: process.env.BENCH_PROXY_POOL === '1',
});
const reply = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
reply({ address: proxy.address, untimedAddress: proxy.untimedAddress });
const stop = () => proxy.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const { cmd } = JSON.parse(line) as { cmd: string };
    if (cmd === 'turns') reply({ turns: proxy.connectionTurns() });
    else if (cmd === 'reset') {
      proxy.resetTurns();
      reply({ reset: true });
    } else reply({ error: `unknown command ${cmd}` });
  })
  .on('close', stop);
