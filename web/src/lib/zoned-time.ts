// Wall-clock times in a given IANA time zone (the organisation's), without a date library: an agent in Lisbon
// scheduling "09:00" for a São Paulo business means 09:00 in São Paulo, whatever the browser's own zone.

/** Milliseconds the zone is ahead of UTC at that instant (negative west of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** "2026-12-10T09:00" (an <input type="datetime-local"> value) read in `timeZone` → ISO instant; null when invalid. */
export function zonedInputToIso(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // The offset at the guess, then at the corrected instant (right across a DST change).
  let ms = wall - offsetAt(wall, timeZone);
  ms = wall - offsetAt(ms, timeZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** An ISO instant as the datetime-local value it is in `timeZone`. */
export function isoToZonedInput(iso: string, timeZone: string): string {
  const ms = new Date(iso).getTime();
  const wall = new Date(ms + offsetAt(ms, timeZone));
  return wall.toISOString().slice(0, 16);
}
