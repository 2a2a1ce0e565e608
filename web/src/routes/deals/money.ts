// Money on the board: integer cents + ISO currency, shown with Intl in Brazilian format whatever the UI language
// (the market's convention: R$ 1.234,56), typed the way people type it.
const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(cents: number, currency: string): string {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('pt-BR', { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f.format(cents / 100);
}

/**
 * Cents from what someone typed: "1.234,56", "1234,5", "1234.56", "R$ 1.500" → 123456, 123450, 123456, 150000.
 * null when it is not an amount. A lone separator followed by exactly three digits is read as thousands ("1.500").
 */
export function parseMoney(input: string): number | null {
  const s = input.replace(/[^\d.,-]/g, '');
  if (!s || s.startsWith('-')) return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const sep = Math.max(lastComma, lastDot);
  let whole = s;
  let frac = '';
  if (sep >= 0) {
    const tail = s.slice(sep + 1);
    const single = (s.match(/[.,]/g) ?? []).length === 1;
    if (!(single && tail.length === 3) && tail.length <= 2) {
      whole = s.slice(0, sep);
      frac = tail;
    } else if (tail.length > 3 || (!single && tail.length !== 3)) {
      return null;
    }
  }
  whole = whole.replace(/[.,]/g, '');
  if (!/^\d*$/.test(whole) || !/^\d{0,2}$/.test(frac) || (whole === '' && frac === '')) return null;
  const cents = Number(whole || '0') * 100 + Number(frac.padEnd(2, '0') || '0');
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Cents as the value input shows them, as Brazilians write amounts: "4.800,00" (parseMoney reads it back). */
export function centsToInput(cents: number): string {
  return new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}
