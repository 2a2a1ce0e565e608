// The human-readable page of an access-request ZIP (resumo.html), in Portuguese. Every value that came from a person
// or the database is escaped: a contact named `<script>` must show as text when the file is opened.
import type { ContactProfile } from './data-export-steps';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

const when = (d: Date | string | null | undefined) => (d ? new Date(d).toLocaleString('pt-BR', { timeZone: 'America/Sao_Paulo' }) : '—');
const row = (label: string, value: unknown) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value ?? '—')}</td></tr>`;
const table = (head: string[], rows: unknown[][]) =>
  rows.length === 0
    ? '<p>Nenhum registro.</p>'
    : `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;

export function summaryHtml(p: ContactProfile, meta: { exportId: string; generatedAt: Date; mediaFiles: number; missingMedia: number }): string {
  const c = p.contact;
  const name = c.name ?? c.profileName ?? c.phone ?? c.id;
  return `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Dados pessoais de ${escapeHtml(name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d1d5db;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f4f6}</style>
</head><body>
<h1>Dados pessoais de ${escapeHtml(name)}</h1>
<p>Relatório de acesso aos dados (LGPD, art. 18, II) gerado em ${escapeHtml(when(meta.generatedAt))} (exportação ${escapeHtml(meta.exportId)}).
Os arquivos JSON deste pacote trazem os dados completos; as mensagens estão em <code>conversas/&lt;id&gt;/mensagens-NNNN.json</code> e os arquivos de mídia em <code>midia/</code>.</p>
<h2>Cadastro</h2>
<table>${row('Nome', c.name)}${row('Nome no WhatsApp', c.profileName)}${row('Telefone', c.phone)}${row('WhatsApp', c.waId)}${row('E-mail', c.email)}${row('Observações', c.legacyNotes)}${row('Criado em', when(c.createdAt))}${row('Atualizado em', when(c.updatedAt))}</table>
<h2>Atributos</h2>
${table(['Atributo', 'Valor'], Object.entries(c.attributes ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))}
<h2>Etiquetas</h2>
${table(['Etiqueta'], c.labels.map((l) => [l.name]))}
<h2>Consentimento e opt-out</h2>
<p>O Conversa não registra consentimento nem pedidos de opt-out deste contato; a base legal do atendimento é definida pela empresa.</p>
<h2>Notas da equipe</h2>
${table(['Data', 'Autor', 'Nota'], p.notes.map((n) => [when(n.createdAt), n.author?.name ?? '—', n.body]))}
<h2>Conversas</h2>
${table(['Início', 'Situação', 'Mensagens', 'Última mensagem', 'Etiquetas'], p.conversations.map((v) => [when(v.createdAt), v.status, v.messageCount, when(v.lastMessageAt), v.labels.map((l) => l.name).join(', ')]))}
<p>Total: ${p.messagesTotal} mensagens, ${meta.mediaFiles} arquivos de mídia${meta.missingMedia ? ` (${meta.missingMedia} não estavam mais disponíveis)` : ''}.</p>
<h2>Negócios</h2>
${table(['Título', 'Situação', 'Valor (centavos)', 'Moeda', 'Criado em'], p.deals.map((d) => [d.title, d.status, d.valueCents, d.currency, when(d.createdAt)]))}
<h2>Pesquisas de satisfação</h2>
${table(['Enviada em', 'Nota', 'Comentário'], p.satisfaction.map((s) => [when(s.askedAt), s.rating, s.comment]))}
<h2>Registro de auditoria</h2>
${table(['Data', 'Ação', 'Tipo de autor'], p.audit.map((a) => [when(a.createdAt), a.action, a.actorType]))}
${p.auditTruncated ? '<p>O registro de auditoria foi limitado às 10.000 primeiras entradas.</p>' : ''}
</body></html>
`;
}
