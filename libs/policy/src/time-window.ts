/**
 * Time windows for rules (business hours, weekends), in an IANA time zone so that daylight-saving
 * changes are the zone's business, not the policy's. `from` is inclusive and `to` exclusive; a
 * window whose `to` is before its `from` crosses midnight, and its `days` are the days it starts
 * on (fri 22:00–02:00 holds Saturday 01:00, not Friday 01:00).
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface TimeWindow {
  readonly days?: readonly Weekday[];
  readonly from?: string;
  readonly to?: string;
  readonly timezone?: string;
}

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SHORT: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function minutes(hhmm: string): number | null {
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

/** Human-readable problems with a window; empty when it is usable. */
export function validateTimeWindow(w: TimeWindow): string[] {
  const problems: string[] = [];
  for (const [field, v] of [
    ['from', w.from],
    ['to', w.to],
  ] as const) {
    if (v !== undefined && minutes(v) === null)
      problems.push(`${field}: "${v}" is not HH:MM (00:00–23:59)`);
  }
  if (w.from !== undefined && w.from === w.to)
    problems.push('from and to are equal: an empty window');
  try {
    format(w.timezone ?? 'UTC');
  } catch {
    problems.push(`unknown time zone "${w.timezone}"`);
  }
  return problems;
}

/** The weekday (0 = Sunday) and minute of the day at `at` in `timeZone`. */
function localTime(at: Date, timeZone: string): { day: number; minute: number } {
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const p of format(timeZone).formatToParts(at)) {
    if (p.type === 'weekday') day = SHORT[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

export function inTimeWindow(w: TimeWindow, at: Date): boolean {
  const { day, minute } = localTime(at, w.timezone ?? 'UTC');
  const from = w.from === undefined ? 0 : (minutes(w.from) ?? 0);
  const to = w.to === undefined ? 24 * 60 : (minutes(w.to) ?? 24 * 60);
  const onDay = (d: number): boolean =>
    w.days === undefined || w.days.includes(WEEKDAYS[d] as Weekday);
  if (from < to) return onDay(day) && minute >= from && minute < to;
  // Crosses midnight: the evening part belongs to today, the early part to yesterday's window.
  if (minute >= from) return onDay(day);
  return minute < to && onDay((day + 6) % 7);
}
