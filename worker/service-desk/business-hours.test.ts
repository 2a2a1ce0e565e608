import { describe, expect, it } from 'vitest';
import { DEFAULT_HOURS } from '../schemas/service-desk';
import { isOpen, localClock } from './business-hours';

const hours = { ...DEFAULT_HOURS, enabled: true, holidays: ['2026-12-25'] };

describe('business hours', () => {
  it('are read in the channel’s time zone (São Paulo, UTC−3)', () => {
    expect(localClock(new Date('2026-12-07T11:00:00Z'), 'America/Sao_Paulo')).toEqual({ date: '2026-12-07', weekday: 1, time: '08:00' });
    expect(localClock(new Date('2026-12-07T02:30:00Z'), 'America/Sao_Paulo')).toEqual({ date: '2026-12-06', weekday: 0, time: '23:30' });
  });

  it.each([
    ['Monday 08:00 local, the first minute', '2026-12-07T11:00:00Z', true],
    ['Monday 07:59 local', '2026-12-07T10:59:00Z', false],
    ['Friday 17:59 local', '2026-12-11T20:59:00Z', true],
    ['Friday 18:00 local, closing time', '2026-12-11T21:00:00Z', false],
    ['Saturday noon', '2026-12-12T15:00:00Z', false],
    ['Christmas (a Friday) at 10:00, a holiday', '2026-12-25T13:00:00Z', false],
    ['Monday 20:00 UTC is 17:00 in São Paulo', '2026-12-07T20:00:00Z', true],
  ])('%s → open %s', (_, at, open) => {
    expect(isOpen(hours, new Date(at))).toBe(open);
  });

  it('several intervals a day (a lunch break), and off means always open', () => {
    const lunch = { ...hours, week: hours.week.map((d) => (d.length ? [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '18:00' }] : d)) };
    expect(isOpen(lunch, new Date('2026-12-07T15:30:00Z'))).toBe(false);
    expect(isOpen(lunch, new Date('2026-12-07T16:30:00Z'))).toBe(true);
    expect(isOpen({ ...hours, enabled: false }, new Date('2026-12-12T15:00:00Z'))).toBe(true);
    expect(isOpen(null, new Date('2026-12-12T15:00:00Z'))).toBe(true);
  });
});
