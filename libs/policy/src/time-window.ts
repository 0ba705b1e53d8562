/**
 * Time windows for rules (business hours, weekends) on the wall clock of an IANA time zone, read
 * through ECMA-402 `Intl.DateTimeFormat`, so daylight-saving changes are the zone's business, not
 * the policy's. `from` is inclusive and `to` exclusive; a window whose `to` is before its `from`
 * crosses midnight, and its `days` are the days it starts on (fri 22:00–02:00 holds Saturday
 * 01:00, not Friday 01:00). Wall-clock times skipped by a DST change never occur; repeated ones
 * occur twice.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface TimeWindow {
  readonly days?: readonly Weekday[];
  /** `HH:MM`, inclusive; start of the day when absent. */
  readonly from?: string;
  /** `HH:MM`, exclusive; end of the day when absent. */
  readonly to?: string;
  /** IANA zone name; `UTC` when absent. */
  readonly timezone?: string;
}

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SHORT: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};
const DAY = 24 * 60;
const formats = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a zone the runtime does not know. */
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

function minutes(hhmm: unknown): number | null {
  if (typeof hhmm !== 'string') return null;
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

function knownZone(timeZone: unknown): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Human-readable problems with a window; empty when it is usable. */
export function validateTimeWindow(w: TimeWindow): string[] {
  const problems: string[] = [];
  for (const [field, v] of [
    ['from', w.from],
    ['to', w.to],
  ] as const) {
    if (v !== undefined && minutes(v) === null) {
      problems.push(`${field}: "${String(v)}" is not a time of day as HH:MM (00:00 to 23:59)`);
    }
  }
  const from = w.from === undefined ? 0 : minutes(w.from);
  const to = w.to === undefined ? DAY : minutes(w.to);
  if (from !== null && from === to) {
    problems.push(`from and to are both ${w.to ?? ''}: the window would be empty`);
  }
  if (w.timezone !== undefined && !knownZone(w.timezone)) {
    problems.push(`unknown time zone "${String(w.timezone)}": use an IANA name like Europe/London`);
  }
  if (w.days !== undefined) {
    if (w.days.length === 0) problems.push('days is empty: the window would never open');
    for (const d of w.days) {
      if (!WEEKDAYS.includes(d)) {
        problems.push(`days: "${String(d)}" is not one of mon, tue, wed, thu, fri, sat, sun`);
      }
    }
  }
  return problems;
}

/** The weekday (0 = Sunday) and minute of the day at `at` in `timeZone`. */
function localTime(at: Date, timeZone: string): { day: number; minute: number } | null {
  let day: number | undefined;
  let hour: number | undefined;
  let minute: number | undefined;
  for (const p of format(timeZone).formatToParts(at)) {
    if (p.type === 'weekday') day = SHORT[p.value];
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  if (day === undefined || hour === undefined || minute === undefined) return null;
  return { day, minute: hour * 60 + minute };
}

/** Whether `at` falls in the window; false for a window that does not validate. */
export function inTimeWindow(w: TimeWindow, at: Date): boolean {
  const from = w.from === undefined ? 0 : minutes(w.from);
  const to = w.to === undefined ? DAY : minutes(w.to);
  const zone = w.timezone ?? 'UTC';
  if (from === null || to === null || from === to || !knownZone(zone)) return false;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) return false;
  const local = localTime(at, zone);
  if (local === null) return false;
  const { day, minute } = local;
  const startsOn = (d: number): boolean =>
    w.days === undefined || w.days.includes(WEEKDAYS[d] as Weekday);
  if (from < to) return minute >= from && minute < to && startsOn(day);
  // Crosses midnight: the evening part starts today, the early part started yesterday.
  if (minute >= from) return startsOn(day);
  return minute < to && startsOn((day + 6) % 7);
}
