// The "customer phone": one HTML page (served at / of the fake) to act as a WhatsApp customer — pick the business
// number and who you are, write (the fake signs and posts the webhook to Conversa), tap reply buttons, and watch what
// Conversa sends back with its delivery status. Plain HTML and a little inline JS over the /_fake control API.
import type { Hono } from 'hono';

const PAGE = /* html */ `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Telefone do cliente · fake Meta</title>
<style>
  :root { --green: #25d366; --bubble-in: #fff; --bubble-out: #d9fdd3; --bg: #efeae2; font-family: system-ui, sans-serif; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #d1d7db; display: flex; justify-content: center; }
  main { width: 100%; max-width: 480px; height: 100vh; display: flex; flex-direction: column; background: var(--bg); }
  header { background: #008069; color: #fff; padding: 10px 12px; }
  header h1 { font-size: 16px; margin: 0 0 6px; }
  header label { display: block; font-size: 12px; margin-top: 4px; }
  header input, header select { width: 100%; padding: 5px; border: 0; border-radius: 4px; font-size: 14px; }
  .row { display: flex; gap: 6px; } .row > label { flex: 1; }
  #window { font-size: 12px; margin-top: 6px; opacity: .9; }
  #chat { flex: 1; overflow-y: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 80%; padding: 6px 8px; border-radius: 8px; box-shadow: 0 1px 1px rgba(0,0,0,.15); white-space: pre-wrap; word-wrap: break-word; font-size: 14px; }
  .business { align-self: flex-start; background: var(--bubble-in); }
  .customer { align-self: flex-end; background: var(--bubble-out); }
  .meta { font-size: 11px; color: #667781; text-align: right; margin-top: 2px; }
  .failed .meta { color: #c0392b; }
  .read-tick { color: #53bdeb; }
  .msg img { display: block; max-width: 200px; min-width: 80px; image-rendering: pixelated; border-radius: 4px; margin-bottom: 4px; }
  .replies { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
  .replies button { background: #fff; border: 1px solid #d1d7db; color: #027eb5; border-radius: 6px; padding: 5px; cursor: pointer; }
  footer { padding: 8px; background: #f0f2f5; }
  footer form { display: flex; gap: 6px; }
  footer input { flex: 1; padding: 9px; border: 0; border-radius: 18px; font-size: 15px; }
  footer button { border: 0; border-radius: 18px; padding: 0 12px; background: var(--green); color: #fff; font-size: 15px; cursor: pointer; }
  .extras { display: flex; gap: 6px; margin-top: 6px; }
  .extras button { background: #fff; color: #111; font-size: 13px; padding: 4px 8px; }
  #note { font-size: 12px; color: #667781; margin-top: 4px; min-height: 1em; }
</style>
</head>
<body>
<main>
  <header>
    <h1>📱 Telefone do cliente <small>(fake Meta)</small></h1>
    <label>Número da empresa (phone_number_id)<select id="business"></select></label>
    <div class="row">
      <label>Seu número<input id="waId" inputmode="tel" value="5511987654321"></label>
      <label>Seu nome<input id="name" value="Maria Silva"></label>
    </div>
    <div id="window"></div>
  </header>
  <section id="chat" aria-live="polite"></section>
  <footer>
    <form id="composer">
      <input id="text" autocomplete="off" placeholder="Mensagem (ex.: Olá, quero saber do meu pedido)">
      <button type="submit">Enviar</button>
    </form>
    <div class="extras">
      <button type="button" data-extra="image">🖼️ Foto</button>
      <button type="button" data-extra="voice">🎤 Áudio</button>
      <button type="button" data-extra="location">📍 Local</button>
      <button type="button" data-extra="reaction">👍 Reagir</button>
    </div>
    <div id="note"></div>
  </footer>
</main>
<script>
const $ = (id) => document.getElementById(id);
const STATUS = { accepted: '🕓 aceita', sent: '✓ enviada', delivered: '✓✓ entregue', read: '✓✓ lida', failed: '⚠ falhou' };
let lastRender = '';
let lastBusinessMessageId = null;

for (const id of ['waId', 'name']) {
  const saved = localStorage.getItem('fake-meta.' + id);
  if (saved) $(id).value = saved;
  $(id).addEventListener('change', () => { localStorage.setItem('fake-meta.' + id, $(id).value); lastRender = ''; refresh(); });
}
$('business').addEventListener('change', () => { localStorage.setItem('fake-meta.business', $('business').value); lastRender = ''; refresh(); });

async function api(path, init) {
  const res = await fetch('/_fake' + path, init && { ...init, headers: { 'Content-Type': 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}

async function loadNumbers() {
  const { data } = await api('/numbers');
  const select = $('business');
  select.replaceChildren(...data.map((n) => {
    const o = document.createElement('option');
    o.value = n.phoneNumberId;
    o.textContent = n.displayPhoneNumber + ' · ' + n.verifiedName + ' (' + n.phoneNumberId + ')';
    return o;
  }));
  const saved = localStorage.getItem('fake-meta.business');
  if (saved && data.some((n) => n.phoneNumberId === saved)) select.value = saved;
  if (!data.length) $('note').textContent = 'Nenhum número registrado: POST /_fake/numbers.';
}

async function send(message) {
  const payload = { phoneNumberId: $('business').value, from: $('waId').value, name: $('name').value, ...message };
  try {
    const r = await api('/customer-messages', { method: 'POST', body: JSON.stringify(payload) });
    $('note').textContent = 'webhook → ' + (r.webhookStatus === null ? 'sem resposta (Conversa está rodando?)' : 'HTTP ' + r.webhookStatus);
  } catch (err) {
    $('note').textContent = 'erro: ' + err.message;
  }
  refresh();
}

function bubble(item) {
  const mine = item.direction === 'inbound';
  const div = document.createElement('div');
  div.className = 'msg ' + (mine ? 'customer' : 'business') + (item.status === 'failed' ? ' failed' : '');
  if (item.mediaUrl && /^(image|sticker)$/.test(item.type)) {
    const img = document.createElement('img');
    img.src = item.mediaUrl;
    img.alt = item.type;
    div.append(img);
  } else if (item.mediaUrl) {
    const a = document.createElement('a');
    a.href = item.mediaUrl; a.target = '_blank'; a.textContent = '📎 ' + item.type;
    div.append(a, document.createElement('br'));
  }
  div.append(document.createTextNode(item.text));
  if (item.replies && item.replies.length) {
    const box = document.createElement('div');
    box.className = 'replies';
    for (const r of item.replies) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = r.title + (r.description ? ' — ' + r.description : '');
      b.onclick = () => send(r.kind === 'button'
        ? { type: 'button', text: r.title, payload: r.id, context: { id: item.id } }
        : { type: r.kind, replyId: r.id, title: r.title, description: r.description, context: { id: item.id } });
      box.append(b);
    }
    div.append(box);
  }
  const meta = document.createElement('div');
  meta.className = 'meta';
  const time = new Date(item.at).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' });
  if (mine) {
    const tick = document.createElement('span');
    if (item.readByBusiness) tick.className = 'read-tick';
    tick.textContent = item.readByBusiness ? ' ✓✓' : ' ✓';
    meta.append(time, tick);
  } else {
    meta.textContent = time + ' · ' + (STATUS[item.status] || item.status)
      + (item.error ? ' (' + item.error.code + ' ' + item.error.title + ')' : '');
  }
  div.append(meta);
  return div;
}

async function refresh() {
  const phoneNumberId = $('business').value;
  const waId = $('waId').value.replace(/\\D/g, '');
  if (!phoneNumberId || !waId) return;
  let body;
  try {
    body = await api('/messages?phoneNumberId=' + encodeURIComponent(phoneNumberId) + '&waId=' + encodeURIComponent(waId));
  } catch (err) {
    $('note').textContent = 'erro: ' + err.message;
    return;
  }
  const w = body.window;
  $('window').textContent = w.open
    ? 'Janela de atendimento de 24 h aberta até ' + new Date(w.expiresAt).toLocaleString('pt-BR')
    : 'Janela de 24 h fechada: a empresa só pode enviar templates.';
  const business = body.data.filter((m) => m.direction === 'outbound' && m.type !== 'reaction');
  lastBusinessMessageId = business.length ? business[business.length - 1].id : null;
  const key = JSON.stringify(body.data);
  if (key === lastRender) return;
  lastRender = key;
  const chat = $('chat');
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  chat.replaceChildren(...body.data.map(bubble));
  if (atBottom) chat.scrollTop = chat.scrollHeight;
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  send({ type: 'text', body: text });
});

document.querySelectorAll('[data-extra]').forEach((b) => b.addEventListener('click', () => {
  const kind = b.dataset.extra;
  if (kind === 'image') send({ type: 'image', caption: $('text').value.trim() || undefined });
  if (kind === 'voice') send({ type: 'voice' });
  if (kind === 'location') send({ type: 'location', latitude: -23.5613, longitude: -46.6565, locationName: 'Av. Paulista, 1578', address: 'São Paulo - SP' });
  if (kind === 'reaction') {
    if (!lastBusinessMessageId) { $('note').textContent = 'Nenhuma mensagem da empresa para reagir.'; return; }
    send({ type: 'reaction', messageId: lastBusinessMessageId, emoji: '👍' });
  }
}));

loadNumbers().then(refresh);
setInterval(refresh, 1000);
</script>
</body>
</html>
`;

export function registerPhonePage(app: Hono): void {
  app.get('/', (c) => c.html(PAGE));
}
