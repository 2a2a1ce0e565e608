// The composer's emoji picker: every emoji, by category, searchable in the person's language ("coração", "obrigado",
// "caminhão"), the most used first. Data, search and "most used" come from emoji-picker-element's database (CLDR
// annotations from emoji-picker-element-data, served from our own origin and kept in IndexedDB); the grid is ours,
// so it obeys the page's Content-Security-Policy (the library's own element needs inline styles) and its keyboard
// rules (arrow keys inside the grid, one Tab stop). Its own chunk: loaded when the picker first opens.
import Database from 'emoji-picker-element/database';
import type { Emoji, NativeEmoji } from 'emoji-picker-element/shared';
import enData from 'emoji-picker-element-data/en/cldr/data.json?url';
import ptData from 'emoji-picker-element-data/pt/cldr/data.json?url';
import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, t, type MessageKey } from '../../i18n';

/** Emoji newer than this show as boxes on phones and PCs still in use (Emoji 14.0: Android 12L, iOS 15.4, Windows 11). */
const MAX_VERSION = 14;
/** Emojibase groups in WhatsApp's order; 2 (skin-tone components) is not a category. */
const GROUPS: { id: number; icon: string; key: MessageKey }[] = [
  { id: 0, icon: '😀', key: 'emoji.smileys' },
  { id: 1, icon: '👋', key: 'emoji.people' },
  { id: 3, icon: '🐻', key: 'emoji.nature' },
  { id: 4, icon: '🍔', key: 'emoji.food' },
  { id: 6, icon: '⚽', key: 'emoji.activities' },
  { id: 5, icon: '🚗', key: 'emoji.travel' },
  { id: 7, icon: '💡', key: 'emoji.objects' },
  { id: 8, icon: '❤️', key: 'emoji.symbols' },
  { id: 9, icon: '🏳️', key: 'emoji.flags' },
];
const RECENT = -1;

let db: Database | null = null;
let dbLocale: string | null = null;
function database(): Database {
  const lang = locale.value === 'en' ? 'en' : 'pt';
  if (!db || dbLocale !== lang) {
    void db?.close();
    db = new Database({ locale: lang, dataSource: lang === 'en' ? enData : ptData });
    dbLocale = lang;
  }
  return db;
}

const usable = (list: Emoji[]) => list.filter((e): e is NativeEmoji => 'unicode' in e && e.version <= MAX_VERSION);

/**
 * The database returns matches in the emoji's own order, so "caminhão" starts with the firefighters (their tags say
 * "caminhão de bombeiros"). Names first: the exact name, then names starting with the words, then names holding them.
 */
function byRelevance(list: NativeEmoji[], query: string): NativeEmoji[] {
  const q = query.toLocaleLowerCase();
  const rank = (e: NativeEmoji) => {
    const name = e.annotation.toLocaleLowerCase();
    return name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : 3;
  };
  return list.map((e, i) => ({ e, i, r: rank(e) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.e);
}

export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const [query, setQuery] = useState('');
  const [group, setGroup] = useState<number>(RECENT);
  const [emoji, setEmoji] = useState<NativeEmoji[] | null>(null);
  const [failed, setFailed] = useState(false);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => search.current?.focus(), []);
  useEffect(() => {
    let current = true;
    const q = query.trim();
    const d = database();
    const load = q
      ? d.getEmojiBySearchQuery(q)
      : group === RECENT
        ? d.getTopFavoriteEmoji(32).then(async (top) => (top.length >= 8 ? top : [...top, ...(await d.getEmojiByGroup(0)).slice(0, 32 - top.length)]))
        : d.getEmojiByGroup(group);
    load.then(
      (list) => current && (setEmoji(q ? byRelevance(usable(list), q) : usable(list)), setFailed(false)),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [query, group, locale.value]);

  const pick = (e: NativeEmoji) => {
    void database().incrementFavoriteEmojiCount(e.unicode).catch(() => {});
    onPick(e.unicode);
  };

  return (
    <div class="emoji-picker" role="dialog" aria-label={t('composer.emoji')} data-testid="emoji-picker">
      <label class="emoji-search">
        <span class="sr-only">{t('emoji.search')}</span>
        <input
          ref={search}
          type="search"
          value={query}
          placeholder={t('emoji.search')}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              (e.currentTarget.closest('.emoji-picker')?.querySelector('.emoji-grid button') as HTMLButtonElement | null)?.focus();
            } else if (e.key === 'Enter' && emoji?.[0]) {
              e.preventDefault();
              pick(emoji[0]);
            }
          }}
          data-testid="emoji-search"
        />
      </label>
      {!query.trim() && (
        <div class="emoji-tabs" role="tablist" aria-label={t('emoji.categories')}>
          {[{ id: RECENT, icon: '🕘', key: 'emoji.recent' as MessageKey }, ...GROUPS].map((g) => (
            <button
              key={g.id}
              type="button"
              role="tab"
              aria-selected={group === g.id}
              aria-label={t(g.key)}
              title={t(g.key)}
              tabIndex={group === g.id ? 0 : -1}
              onClick={() => setGroup(g.id)}
            >
              {g.icon}
            </button>
          ))}
        </div>
      )}
      <div class="emoji-grid emoji-grid-full" role="group" aria-label={query.trim() ? t('emoji.results') : t(GROUPS.find((g) => g.id === group)?.key ?? 'emoji.recent')} onKeyDown={gridKeys}>
        {failed ? (
          <p class="muted">{t('emoji.unavailable')}</p>
        ) : emoji === null ? (
          <p class="muted">{t('common.loading')}</p>
        ) : emoji.length === 0 ? (
          <p class="muted">{t('emoji.none', { q: query.trim() })}</p>
        ) : (
          emoji.map((e, i) => (
            <button key={e.unicode} type="button" tabIndex={i === 0 ? 0 : -1} aria-label={e.annotation} title={e.annotation} onClick={() => pick(e)}>
              {e.unicode}
            </button>
          ))
        )}
      </div>
    </div>
  );
}

/** Arrow keys move between the emoji buttons, row by row (one Tab stop for the whole grid). */
function gridKeys(e: KeyboardEvent) {
  const grid = e.currentTarget as HTMLElement;
  const buttons = [...grid.querySelectorAll<HTMLButtonElement>('button')];
  const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const cols = getComputedStyle(grid).gridTemplateColumns.split(' ').length || 1;
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -i, End: buttons.length } as Record<string, number>;
  const d = step[e.key];
  if (d === undefined || i < 0) return;
  e.preventDefault();
  if (e.key === 'ArrowUp' && i < cols) {
    (grid.closest('.emoji-picker')?.querySelector('input') as HTMLInputElement | null)?.focus();
    return;
  }
  buttons[Math.min(buttons.length - 1, Math.max(0, i + d))]?.focus();
}
