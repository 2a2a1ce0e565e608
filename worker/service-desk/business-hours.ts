// Is a channel open now? Its business hours are local to its time zone (America/Sao_Paulo by default): per-weekday
// intervals and holidays (local dates). Pure, so the rules are tested without a clock.
import type { HoursConfig } from '../schemas/service-desk';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local date (YYYY-MM-DD), weekday (0 = Sunday) and time (HH:MM) of `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { date: string; weekday: number; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS.indexOf(parts.weekday!), time: `${parts.hour}:${parts.minute}` };
}

export function isOpen(hours: HoursConfig | null | undefined, at: Date): boolean {
  if (!hours?.enabled) return true;
  const { date, weekday, time } = localClock(at, hours.timeZone);
  if (hours.holidays.includes(date)) return false;
  return (hours.week[weekday] ?? []).some((i) => time >= i.start && time < i.end);
}
