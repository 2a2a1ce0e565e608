// usage: node qprobe.mjs <miniflare module path> <compatDate> <mode: plain|hmac|queue>
const [,, mfPath, compat, mode] = process.argv;
const mod = await import(mfPath); const { Miniflare } = mod;
const script = `
const keyP = crypto.subtle.importKey('raw', new TextEncoder().encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
export default { async fetch(req, env) {
  const body = await req.text();
  if ('${mode}' !== 'plain') await crypto.subtle.sign('HMAC', await keyP, new TextEncoder().encode(body));
  if ('${mode}' === 'queue') await env.Q.send({ body });
  return new Response('ok');
}, async queue(batch, env) { await fetch(env.COUNT_URL + '?n=' + batch.messages.length); for (const m of batch.messages) m.ack(); } }`;
const http0 = await import('node:http');
let consumed = 0; const consumedAt = [];
const cs = http0.createServer((q, s) => { const n = Number(new URL(q.url, 'http://x').searchParams.get('n')); consumed += n; consumedAt.push([Date.now(), n]); s.end('ok'); });
await new Promise((r) => cs.listen(0, '127.0.0.1', r));
const w = { bindings: { COUNT_URL: `http://127.0.0.1:${cs.address().port}/` }, name: 'w', modules: true, script, compatibilityDate: compat, queueProducers: { Q: 'q' }, queueConsumers: { q: { maxBatchSize: 100, maxBatchTimeout: 1 } } };
const o = { workers: [w], port: 0, cf: false };
const mf = new Miniflare(mod.convertV4MiniflareOptions ? mod.convertV4MiniflareOptions(o) : o);
const url = new URL('/', await mf.ready).href;
const http = await import('node:http');
const agent = new http.Agent({ keepAlive: true });
const body = JSON.stringify({ hello: 'x'.repeat(1500) });
const post = () => new Promise((res, rej) => { const r = http.request(url, { method: 'POST', agent }, (s) => { s.resume(); s.on('end', res); }); r.on('error', rej); r.end(body); });
let n = 0; const end = Date.now() + 5000;
await Promise.all(Array.from({ length: 32 }, async () => { while (Date.now() < end) { await post(); n++; } }));
const during = consumed; const t0 = Date.now(); while (consumed < n && Date.now() - t0 < 30000) await new Promise((r) => setTimeout(r, 50));
console.log('consumed during load', during, 'of', n, '; all consumed', Date.now() - t0, 'ms after');
console.log(mode, compat, mfPath.includes('before') ? 'mf4' : 'mf5', Math.round(n / 5), 'req/s');
agent.destroy(); await mf.dispose(); cs.close();
