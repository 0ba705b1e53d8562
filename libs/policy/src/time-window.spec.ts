import { describe, expect, it } from 'vitest';
import { inTimeWindow, validateTimeWindow, type TimeWindow } from './time-window.ts';

const biz: TimeWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '08:00',
  to: '18:00',
  timezone: 'America/New_York',
};
const night: TimeWindow = { days: ['fri'], from: '22:00', to: '02:00', timezone: 'UTC' };

describe('inTimeWindow', () => {
  it.each([
    ['New York business hours, winter (UTC-5)', biz, '2026-11-25T13:00:00Z', true],
    ['before opening', biz, '2026-11-25T12:59:00Z', false],
    ['closing time is exclusive', biz, '2026-11-25T23:00:00Z', false],
    ['summer time (UTC-4)', biz, '2026-07-15T12:30:00Z', true],
    ['Saturday', biz, '2026-11-28T15:00:00Z', false],
    ['crosses midnight: Friday evening', night, '2026-11-27T23:00:00Z', true],
    ['crosses midnight: early Saturday belongs to Friday', night, '2026-11-28T01:00:00Z', true],
    ['crosses midnight: early Friday does not', night, '2026-11-27T01:00:00Z', false],
    ['no days: every day', { from: '00:00', to: '01:00' }, '2026-11-29T00:30:00Z', true],
    ['no from/to: the whole day', { days: ['sun'] }, '2026-11-29T23:59:00Z', true],
    [
      'London, summer',
      { from: '09:00', to: '10:00', timezone: 'Europe/London' },
      '2026-07-01T08:30:00Z',
      true,
    ],
  ] as const)('%s', (_, w, at, hit) => {
    expect(inTimeWindow(w, new Date(at))).toBe(hit);
  });
});

describe('validateTimeWindow', () => {
  it.each([
    [biz, 0],
    [{ from: '24:00' }, 1],
    [{ from: '8:00', to: '9:60' }, 2],
    [{ from: '10:00', to: '10:00' }, 1],
    [{ timezone: 'Mars/Olympus' }, 1],
  ] as const)('%j has %i problems', (w, n) => {
    expect(validateTimeWindow(w)).toHaveLength(n);
  });
});
