// The "phones" page (served at / of the fake): pick an instance, see its QR code and scan it with one click (the
// business's phone), then act as a customer writing to that number — the fake posts messages.upsert to Conversa —
// and watch what the business sends back, with its ticks. Plain HTML and a little inline JS over /_fake.
import type { Hono } from 'hono';

const PAGE = /* html */ `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Telefones · fake Evolution</title>
<style>
  :root { --green: #25d366; --bg: #efeae2; font-family: system-ui, sans-serif; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #d1d7db; display: flex; justify-content: center; }
  main { width: 100%; max-width: 480px; height: 100vh; display: flex; flex-direction: column; background: var(--bg); }
  header { background: #008069; color: #fff; padding: 10px 12px; }
  header h1 { font-size: 16px; margin: 0 0 6px; }
  header label { display: block; font-size: 12px; margin-top: 4px; }
  header input, header select { width: 100%; padding: 5px; border: 0; border-radius: 4px; font-size: 14px; }
  .row { display: flex; gap: 6px; align-items: end; } .row > label { flex: 1; }
  #conn { font-size: 13px; margin-top: 6px; }
  #qrbox { display: none; background: #fff; padding: 10px; text-align: center; border-bottom: 1px solid #d1d7db; }
  #qrbox img { width: 220px; height: 220px; image-rendering: pixelated; }
  button { border: 0; border-radius: 18px; padding: 6px 12px; background: var(--green); color: #fff; font-size: 14px; cursor: pointer; }
  button.light { background: #fff; color: #111; border: 1px solid #d1d7db; }
  #chat { flex: 1; overflow-y: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 80%; padding: 6px 8px; border-radius: 8px; box-shadow: 0 1px 1px rgba(0,0,0,.15); white-space: pre-wrap; word-wrap: break-word; font-size: 14px; }
  .business { align-self: flex-start; background: #fff; }
  .customer { align-self: flex-end; background: #d9fdd3; }
  .meta { font-size: 11px; color: #667781; text-align: right; margin-top: 2px; }
  .msg img { display: block; max-width: 200px; min-width: 80px; image-rendering: pixelated; border-radius: 4px; margin-bottom: 4px; }
  footer { padding: 8px; background: #f0f2f5; }
  footer form { display: flex; gap: 6px; }
  footer input { flex: 1; padding: 9px; border: 0; border-radius: 18px; font-size: 15px; }
  .extras { display: flex; gap: 6px; margin-top: 6px; flex-wrap: wrap; }
  .extras button { font-size: 13px; padding: 4px 8px; }
  #note { font-size: 12px; color: #667781; margin-top: 4px; min-height: 1em; }
</style>
</head>
<body>
<main>
  <header>
    <h1>📱 Telefones <small>(fake Evolution)</small></h1>
    <div class="row">
      <label>Instância (número da empresa)<select id="instance"></select></label>
      <button type="button" class="light" id="disconnect" title="Simula queda da conexão">Desconectar</button>
    </div>
    <div id="conn"></div>
    <div class="row">
      <label>Seu número (cliente)<input id="number" inputmode="tel" value="5511987654321"></label>
      <label>Seu nome<input id="name" value="Maria Silva"></label>
    </div>
  </header>
  <section id="qrbox">
    <div>Abra o WhatsApp da empresa → Aparelhos conectados → Conectar aparelho</div>
    <img id="qr" alt="QR code">
    <div><button type="button" id="scan">Escanear agora</button></div>
  </section>
  <section id="chat" aria-live="polite"></section>
  <footer>
    <form id="composer">
      <input id="text" autocomplete="off" placeholder="Mensagem (ex.: Olá, quero saber do meu pedido)">
      <button type="submit">Enviar</button>
    </form>
    <div class="extras">
      <button type="button" class="light" data-kind="image">🖼️ Foto</button>
      <button type="button" class="light" data-kind="ptt">🎤 Áudio</button>
      <button type="button" class="light" data-kind="document">📄 PDF</button>
      <button type="button" class="light" data-kind="location">📍 Local</button>
      <button type="button" class="light" data-kind="reaction">👍 Reagir</button>
    </div>
    <div id="note"></div>
  </footer>
</main>
<script>
const $ = (id) => document.getElementById(id);
const TICKS = { PENDING: '🕓', SERVER_ACK: '✓', DELIVERY_ACK: '✓✓', READ: '✓✓ lida', PLAYED: '✓✓ ouvida', ERROR: '⚠ erro' };
const STATE = { open: '🟢 conectado', connecting: '🟡 aguardando leitura do QR code', close: '🔴 desconectado' };
let lastRender = '';
let lastBusinessId = null;

for (const id of ['number', 'name']) {
  const saved = localStorage.getItem('fake-evolution.' + id);
  if (saved) $(id).value = saved;
  $(id).addEventListener('change', () => { localStorage.setItem('fake-evolution.' + id, $(id).value); lastRender = ''; refresh(); });
}
$('instance').addEventListener('change', () => { localStorage.setItem('fake-evolution.instance', $('instance').value); lastRender = ''; refresh(); });

async function api(path, init) {
  const res = await fetch('/_fake' + path, init && { ...init, headers: { 'Content-Type': 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}
const current = () => encodeURIComponent($('instance').value);

async function loadInstances() {
  const { data } = await api('/instances');
  const select = $('instance');
  const keep = select.value || localStorage.getItem('fake-evolution.instance');
  const names = data.map((i) => i.name).join('|');
  if (select.dataset.names !== names) {
    select.dataset.names = names;
    select.replaceChildren(...data.map((i) => {
      const o = document.createElement('option');
      o.value = i.name;
      o.textContent = i.name + ' · +' + i.owner;
      return o;
    }));
    if (keep && data.some((i) => i.name === keep)) select.value = keep;
  }
  const inst = data.find((i) => i.name === select.value);
  $('conn').textContent = inst ? (STATE[inst.state] || inst.state) + (inst.qr ? ' · QR nº ' + inst.qr.count : '') : 'Nenhuma instância: crie uma pelo Conversa (Configurações → Canais).';
  $('qrbox').style.display = inst && inst.qr ? 'block' : 'none';
  if (inst && inst.qr && $('qr').src !== inst.qr.base64) $('qr').src = inst.qr.base64;
}

async function send(extra) {
  if (!$('instance').value) return;
  const payload = { from: $('number').value, name: $('name').value, ...extra };
  try {
    const r = await api('/instances/' + current() + '/messages', { method: 'POST', body: JSON.stringify(payload) });
    $('note').textContent = 'webhook → ' + (r.delivered === null ? 'sem resposta (Conversa está rodando? webhook configurado?)' : 'HTTP ' + r.delivered);
  } catch (err) {
    $('note').textContent = 'erro: ' + err.message;
  }
  refresh();
}

function describe(m) {
  const c = m.message || {};
  if (c.conversation) return c.conversation;
  if (c.extendedTextMessage) return c.extendedTextMessage.text;
  if (c.imageMessage) return c.imageMessage.caption || '';
  if (c.videoMessage) return '🎬 vídeo ' + (c.videoMessage.caption || '');
  if (c.audioMessage) return (c.audioMessage.ptt ? '🎤 áudio ' : '🎵 áudio ') + c.audioMessage.seconds + 's';
  if (c.documentMessage) return '📄 ' + c.documentMessage.fileName + (c.documentMessage.caption ? '\\n' + c.documentMessage.caption : '');
  if (c.stickerMessage) return '';
  if (c.locationMessage) return '📍 ' + (c.locationMessage.name || (c.locationMessage.degreesLatitude + ', ' + c.locationMessage.degreesLongitude));
  if (c.contactMessage) return '👤 ' + c.contactMessage.displayName;
  if (c.reactionMessage) return (c.reactionMessage.text || '(reação removida)') + ' ↩';
  return m.messageType;
}

function bubble(m) {
  const mine = m.direction === 'inbound';
  const div = document.createElement('div');
  div.className = 'msg ' + (mine ? 'customer' : 'business');
  if (m.mediaUrl && /^(imageMessage|stickerMessage)$/.test(m.messageType)) {
    const img = document.createElement('img');
    img.src = m.mediaUrl; img.alt = m.messageType;
    div.append(img);
  } else if (m.mediaUrl) {
    const a = document.createElement('a');
    a.href = m.mediaUrl; a.target = '_blank'; a.textContent = '📎 abrir';
    div.append(a, document.createElement('br'));
  }
  div.append(document.createTextNode(describe(m)));
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = new Date(m.at).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' }) + (mine ? '' : ' · ' + (TICKS[m.status] || m.status));
  div.append(meta);
  return div;
}

async function refresh() {
  try { await loadInstances(); } catch (err) { $('note').textContent = 'erro: ' + err.message; return; }
  const number = $('number').value.replace(/\\D/g, '');
  if (!$('instance').value || !number) return;
  const { data } = await api('/messages?instance=' + current() + '&number=' + number);
  const business = data.filter((m) => m.direction === 'outbound' && m.messageType !== 'reactionMessage');
  lastBusinessId = business.length ? business[business.length - 1].id : null;
  const key = JSON.stringify(data.map((m) => [m.id, m.status]));
  if (key === lastRender) return;
  lastRender = key;
  const chat = $('chat');
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  chat.replaceChildren(...data.map(bubble));
  if (atBottom) chat.scrollTop = chat.scrollHeight;
}

$('scan').addEventListener('click', async () => {
  try { await api('/instances/' + current() + '/scan', { method: 'POST', body: '{}' }); $('note').textContent = 'QR code lido: conectado.'; }
  catch (err) { $('note').textContent = 'erro: ' + err.message; }
  refresh();
});
$('disconnect').addEventListener('click', async () => {
  try { await api('/instances/' + current() + '/disconnect', { method: 'POST', body: '{}' }); }
  catch (err) { $('note').textContent = 'erro: ' + err.message; }
  refresh();
});

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  send({ kind: 'text', text });
});

document.querySelectorAll('[data-kind]').forEach((b) => b.addEventListener('click', () => {
  const kind = b.dataset.kind;
  const caption = $('text').value.trim() || undefined;
  if (kind === 'reaction') {
    if (!lastBusinessId) { $('note').textContent = 'Nenhuma mensagem da empresa para reagir.'; return; }
    return send({ kind, reactTo: { id: lastBusinessId, fromMe: true }, emoji: '👍' });
  }
  if (kind === 'location') return send({ kind, latitude: -23.5613, longitude: -46.6565, locationName: 'Av. Paulista, 1578', address: 'São Paulo - SP' });
  send({ kind, caption });
}));

refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;

export function registerPhonePage(app: Hono): void {
  app.get('/', (c) => c.html(PAGE));
}
