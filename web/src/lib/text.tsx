// Message text as WhatsApp shows it: *bold*, _italic_, ~strike~, ```monospace```, and clickable links. Builds
// VNodes (never HTML strings), so nothing a customer writes can inject markup.
import type { ComponentChildren } from 'preact';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
const FORMAT_RE = /```([\s\S]+?)```|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~/g;

function formatted(text: string, key: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(FORMAT_RE)) {
    const at = m.index ?? 0;
    // Markers must stand at word edges ("2*3*4" stays as is).
    const before = text[at - 1];
    if (before && /[\p{L}\p{N}]/u.test(before)) continue;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${i++}`;
    if (m[1] !== undefined) out.push(<code key={k}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong key={k}>{m[2]}</strong>);
    else if (m[3] !== undefined) out.push(<em key={k}>{m[3]}</em>);
    else if (m[4] !== undefined) out.push(<s key={k}>{m[4]}</s>);
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function RichText({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(...formatted(text.slice(last, at), `t${i}`));
    parts.push(
      <a key={`u${i}`} href={m[0]} target="_blank" rel="noopener noreferrer nofollow">
        {m[0]}
      </a>,
    );
    last = at + m[0].length;
    i++;
  }
  if (last < text.length) parts.push(...formatted(text.slice(last), `t${i}`));
  return <>{parts}</>;
}
