import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeUriHeaderName,
  escapeUriHeaderValue,
  escapeUriParam,
  escapeUriUser,
  findInvalidEscaped,
  findLoneSurrogate,
  HEADER_CHARS,
  unescapeUri,
} from './escape.ts';

describe('escaping', () => {
  it.each([
    [escapeUriUser, 'alice smith', 'alice%20smith'],
    [escapeUriUser, '+1-206;x?y@z', '+1-206%3Bx%3Fy%40z'],
    [escapeUriParam, 'a:b/[c]&+$', 'a:b/[c]&+$'],
    [escapeUriParam, 'a;b=c', 'a%3Bb%3Dc'],
    [
      escapeUriHeaderValue,
      '12345@host;to-tag=1;from-tag=2',
      '12345%40host%3Bto-tag%3D1%3Bfrom-tag%3D2',
    ],
    [escapeUriHeaderValue, 'José', 'Jos%C3%A9'],
    [escapeUriHeaderValue, 'line\r\nbreak', 'line%0D%0Abreak'],
    [escapeUriHeaderValue, '😀', '%F0%9F%98%80'],
    [escapeUriHeaderName, 'X-A&B', 'X-A%26B'],
  ])('%#: %j → %s', (fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });

  it.each([
    ['project%20x', 'project x'],
    ['Jos%c3%a9', 'José'],
    ['plain', 'plain'],
    ['%F0%9F%98%80!', '😀!'],
  ])('unescapes %s', (input, expected) => {
    expect(unescapeUri(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['100%', 'SIP_BAD_ESCAPE', 3],
    ['a%2', 'SIP_BAD_ESCAPE', 1],
    ['x%zz', 'SIP_BAD_ESCAPE', 1],
    ['ok%C3%28', 'SIP_BAD_UTF8', 2],
  ])('refuses %s', (input, code, offset) => {
    const r = unescapeUri(input);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
  });

  it.each([
    ['ok', -1],
    ['😀', -1],
    ['a\uD800', 1],
    ['\uDC00a', 0],
    ['\uD800a', 0],
    ['😀\uD83D', 2],
  ])('findLoneSurrogate(%j) → %i', (input, expected) => {
    expect(findLoneSurrogate(input)).toBe(expected);
  });

  it('escapes a lone surrogate as U+FFFD, never as a broken byte sequence', () => {
    expect(escapeUriHeaderValue('a\uD800b')).toBe('a%EF%BF%BDb');
    expect(escapeUriHeaderValue('\uDC00')).toBe('%EF%BF%BD');
  });

  it('finds characters outside a component grammar', () => {
    expect(findInvalidEscaped('a%20b', HEADER_CHARS)).toBe(-1);
    expect(findInvalidEscaped('a%2', HEADER_CHARS)).toBe(1);
    expect(findInvalidEscaped('a b', HEADER_CHARS)).toBe(1);
    expect(findInvalidEscaped('é', HEADER_CHARS)).toBe(0);
  });

  it('escape then unescape gives the input back, and never leaves CR, LF or space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = escapeUriHeaderValue(s);
        const back = unescapeUri(e);
        return !/[\r\n \0"<>]/.test(e) && back.ok && back.value === s;
      }),
    );
  });
});
