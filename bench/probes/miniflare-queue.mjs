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
}, async queue(batch) { for (const m of batch.messages) m.ack(); } }`;
const w = { name: 'w', modules: true, script, compatibilityDate: compat, queueProducers: { Q: 'q' }, queueConsumers: { q: { maxBatchSize: 100, maxBatchTimeout: 1 } } };
const o = { workers: [w], port: 0, cf: false };
const mf = new Miniflare(mod.convertV4MiniflareOptions ? mod.convertV4MiniflareOptions(o) : o);
const url = new URL('/', await mf.ready).href;
const http = await import('node:http');
const agent = new http.Agent({ keepAlive: true });
const body = JSON.stringify({ hello: 'x'.repeat(1500) });
const post = () => new Promise((res, rej) => { const r = http.request(url, { method: 'POST', agent }, (s) => { s.resume(); s.on('end', res); }); r.on('error', rej); r.end(body); });
let n = 0; const end = Date.now() + 5000;
await Promise.all(Array.from({ length: 32 }, async () => { while (Date.now() < end) { await post(); n++; } }));
console.log(mode, compat, mfPath.includes('before') ? 'mf4' : 'mf5', Math.round(n / 5), 'req/s');
agent.destroy(); await mf.dispose();
