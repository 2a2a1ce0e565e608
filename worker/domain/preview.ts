// The list entry's preview of a message: its text, or a label for what has none (media, location …), 140 characters.
// The preview moves only forward in message time (queues/ingest/store.ts, worker/domain/send.ts): a message that
// arrives late, or in the same second as another, never replaces the preview of a later one.

const PREVIEW_LABEL: Record<string, string> = {
  image: '📷 Imagem',
  audio: '🎤 Áudio',
  video: '🎬 Vídeo',
  document: '📄 Documento',
  sticker: 'Figurinha',
  location: '📍 Localização',
  contacts: '👤 Contato',
  reaction: 'Reação',
  unsupported: 'Mensagem não suportada',
};

export function previewText(kind: string, body: string | null): string {
  const text = body?.trim() || PREVIEW_LABEL[kind] || '';
  return [...text].slice(0, 140).join('');
}
