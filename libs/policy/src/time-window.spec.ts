import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTimeWindow, validateTimeWindow, type TimeWindow, type Weekday } from './time-window.ts';

const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const biz: TimeWindow = {
  days: weekdays,
  from: '08:00',
  to: '18:00',
  timezone: 'America/New_York',
};
const london: TimeWindow = {
  days: weekdays,
  from: '09:00',
  to: '17:00',
  timezone: 'Europe/London',
};
const night: TimeWindow = { days: ['fri'], from: '22:00', to: '02:00', timezone: 'UTC' };
const sundayNight: TimeWindow = { days: ['sun'], from: '22:00', to: '02:00' };
const nyNight: TimeWindow = { from: '01:00', to: '02:00', timezone: 'America/New_York' };

// 2026-11-25 is a Wednesday. US clocks go forward 2026-03-08 07:00Z and back 2026-11-01 06:00Z;
// UK clocks go forward 2026-03-29 01:00Z and back 2026-10-25 01:00Z.
describe('inTimeWindow', () => {
  it.each([
    ['New York, winter (UTC-5): opening', biz, '2026-11-25T13:00:00Z', true],
    ['New York, winter: a minute before opening', biz, '2026-11-25T12:59:00Z', false],
    ['New York, winter: last minute', biz, '2026-11-25T22:59:00Z', true],
    ['New York, winter: closing time is exclusive', biz, '2026-11-25T23:00:00Z', false],
    ['New York, summer (UTC-4): opening', biz, '2026-07-15T12:00:00Z', true],
    ['New York, summer: 08:00 UTC-5 is 09:00 UTC-4', biz, '2026-07-15T11:59:00Z', false],
    ['New York, Saturday', biz, '2026-11-28T15:00:00Z', false],
    [
      'New York: Saturday 01:00 UTC is Friday',
      { days: ['fri'], timezone: 'America/New_York' },
      '2026-11-28T01:00:00Z',
      true,
    ],
    [
      'New York: Monday 02:00 UTC is Sunday evening',
      { ...biz, days: ['sun'], to: '23:00' },
      '2026-11-30T02:00:00Z',
      true,
    ],
    ['New York, spring forward: 01:59 EST', nyNight, '2026-03-08T06:59:00Z', true],
    ['New York, spring forward: 03:00 EDT', nyNight, '2026-03-08T07:00:00Z', false],
    ['New York, fall back: first 01:30', nyNight, '2026-11-01T05:30:00Z', true],
    ['New York, fall back: second 01:30', nyNight, '2026-11-01T06:30:00Z', true],
    ['New York, fall back: 02:00 EST', nyNight, '2026-11-01T07:00:00Z', false],
    ['London, winter (GMT): opening', london, '2026-03-27T09:00:00Z', true],
    ['London, summer (BST): 08:30 UTC is 09:30', london, '2026-03-30T08:30:00Z', true],
    ['London, summer: 16:30 UTC is 17:30', london, '2026-03-30T16:30:00Z', false],
    ['London, winter: 16:30 UTC is 16:30', london, '2026-03-27T16:30:00Z', true],
    ['London, autumn: back on GMT', london, '2026-10-26T08:30:00Z', false],
    [
      'Tokyo: Friday 23:30 UTC is Saturday',
      { days: ['sat'], timezone: 'Asia/Tokyo' },
      '2026-11-27T23:30:00Z',
      true,
    ],
    ['UTC: Friday 23:30 is Friday', { days: ['sat'] }, '2026-11-27T23:30:00Z', false],
    ['crosses midnight: the start is inclusive', night, '2026-11-27T22:00:00Z', true],
    ['crosses midnight: Friday evening', night, '2026-11-27T23:59:00Z', true],
    ['crosses midnight: early Saturday belongs to Friday', night, '2026-11-28T01:00:00Z', true],
    ['crosses midnight: the end is exclusive', night, '2026-11-28T02:00:00Z', false],
    ['crosses midnight: early Friday belongs to Thursday', night, '2026-11-27T01:00:00Z', false],
    ['crosses midnight: Saturday evening', night, '2026-11-28T23:00:00Z', false],
    ['crosses the week: early Monday belongs to Sunday', sundayNight, '2026-11-30T01:00:00Z', true],
    ['crosses the week: early Sunday does not', sundayNight, '2026-11-29T01:00:00Z', false],
    ['to 00:00 ends at midnight', { from: '23:00', to: '00:00' }, '2026-11-25T23:30:00Z', true],
    [
      'to 00:00 ends at midnight, exclusive',
      { from: '23:00', to: '00:00' },
      '2026-11-26T00:00:00Z',
      false,
    ],
    ['no days: every day', { from: '00:00', to: '01:00' }, '2026-11-29T00:30:00Z', true],
    ['no from/to: the whole day', { days: ['sun'] }, '2026-11-29T23:59:00Z', true],
    ['no from/to: the whole day, from midnight', { days: ['sun'] }, '2026-11-29T00:00:00Z', true],
    ['no from/to: not the next day', { days: ['sun'] }, '2026-11-30T00:00:00Z', false],
    ['only from', { from: '12:00' }, '2026-11-25T23:59:00Z', true],
    ['only from, before it', { from: '12:00' }, '2026-11-25T11:59:00Z', false],
    ['only to', { to: '12:00' }, '2026-11-25T11:59:00Z', true],
    ['only to, after it', { to: '12:00' }, '2026-11-25T12:00:00Z', false],
    ['empty window object: always', {}, '2026-11-25T12:00:00Z', true],
  ] as const)('%s', (_, w, at, hit) => {
    expect(inTimeWindow(w, new Date(at))).toBe(hit);
  });

  it.each([
    ['an unknown zone', { timezone: 'Mars/Olympus' }],
    ['a bad from', { from: '8:00' }],
    ['a bad to', { to: '24:00' }],
    ['an empty window', { from: '10:00', to: '10:00' }],
    ['no days', { days: [] }],
  ] as const)('is never open with %s', (_, w) => {
    expect(inTimeWindow(w, new Date('2026-11-25T10:00:00Z'))).toBe(false);
  });

  it('is false for an invalid date', () => {
    expect(inTimeWindow({}, new Date(NaN))).toBe(false);
  });
});

describe('validateTimeWindow', () => {
  it.each([
    [biz, []],
    [{}, []],
    [{ timezone: 'Asia/Kolkata', from: '23:59', to: '00:00' }, []],
    [{ from: '24:00' }, ['from: "24:00"']],
    [{ from: '8:00', to: '9:60' }, ['from: "8:00"', 'to: "9:60"']],
    [{ from: '08:00 ' }, ['from: "08:00 "']],
    [{ from: '10:00', to: '10:00' }, ['from and to are both 10:00']],
    [{ to: '00:00' }, ['from and to are both 00:00']],
    [{ timezone: 'Mars/Olympus' }, ['unknown time zone "Mars/Olympus"']],
    [{ timezone: '' }, ['unknown time zone ""']],
    [{ days: [] }, ['days is empty']],
    [{ days: ['mon', 'funday' as Weekday] }, ['days: "funday"']],
  ] as const)('%j', (w, problems) => {
    const got = validateTimeWindow(w);
    expect(got).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(got[i]).toContain(p));
  });
});

describe('against a model in minutes of the week', () => {
  const all: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const hhmm = (m: number): string =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const window = fc
    .record({
      days: fc.option(fc.subarray(all), { nil: undefined }),
      from: fc.option(fc.nat(1439), { nil: undefined }),
      to: fc.option(fc.nat(1439), { nil: undefined }),
    })
    .filter((w) => (w.from ?? 0) !== (w.to ?? 1440));
  // Zones without daylight saving in the dates drawn, with their offsets in minutes.
  const zone = fc.constantFrom<[string, number]>(
    ['UTC', 0],
    ['Etc/GMT-5', 300],
    ['Etc/GMT+11', -660],
    ['Asia/Kolkata', 330],
  );

  function model(w: { days?: Weekday[]; from?: number; to?: number }, offset: number, at: Date) {
    const local = new Date(at.getTime() + offset * 60_000);
    const now = local.getUTCDay() * 1440 + local.getUTCHours() * 60 + local.getUTCMinutes();
    const from = w.from ?? 0;
    const to = w.to ?? 1440;
    const length = from < to ? to - from : 1440 - from + to;
    return (w.days ?? all).some((d) => {
      const start = all.indexOf(d) * 1440 + from;
      return (((now - start) % 10080) + 10080) % 10080 < length;
    });
  }

  it('agrees for fixed-offset zones', () => {
    fc.assert(
      fc.property(
        window,
        zone,
        fc.date({
          min: new Date('1990-01-01Z'),
          max: new Date('2090-01-01Z'),
          noInvalidDate: true,
        }),
        (w, [timezone, offset], at) => {
          const tw: TimeWindow = {
            ...(w.days === undefined ? {} : { days: w.days }),
            ...(w.from === undefined ? {} : { from: hhmm(w.from) }),
            ...(w.to === undefined ? {} : { to: hhmm(w.to) }),
            timezone,
          };
          expect(validateTimeWindow(tw)).toEqual(w.days?.length === 0 ? [expect.any(String)] : []);
          expect(inTimeWindow(tw, at)).toBe(model(w, offset, at));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
