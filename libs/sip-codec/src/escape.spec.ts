import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeUriHeaderName,
  escapeUriHeaderValue,
  escapeUriParam,
  escapeUriUser,
  findInvalidEscaped,
  HEADER_CHARS,
  unescapeUri,
} from './escape.ts';
import { decodeUriHeaders, withUriHeaders } from './uri-headers.ts';
import { parseUri } from './uri.ts';
import type { SipUri } from './uri-model.ts';

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

describe('URI headers (Refer-To embedding)', () => {
  const base = parseUri('sip:bob@biloxi.example.com;transport=tcp') as { ok: true; value: SipUri };

  it('embeds and decodes a Replaces header (RFC 3891 §6.1 style)', () => {
    const r = withUriHeaders(base.value, [
      { name: 'Replaces', value: '425928@bobster.example.org;to-tag=7743;from-tag=6472' },
      { name: 'Subject', value: 'Transfer "now" & later' },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.raw).toBe(
      'sip:bob@biloxi.example.com;transport=tcp?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472&Subject=Transfer%20%22now%22%20%26%20later',
    );
    const reparsed = parseUri(r.value.raw, { strict: true });
    expect(reparsed.ok).toBe(true);
    expect(decodeUriHeaders(reparsed.ok ? (reparsed.value as SipUri) : base.value)).toEqual({
      ok: true,
      value: [
        { name: 'Replaces', value: '425928@bobster.example.org;to-tag=7743;from-tag=6472' },
        { name: 'Subject', value: 'Transfer "now" & later' },
      ],
    });
  });

  it.each([
    [[{ name: 'Bad Name', value: 'x' }], 'not a token'],
    [[{ name: 'X-A', value: 'nul\u0000' }], 'NUL'],
  ])('refuses %j', (headers, message) => {
    const r = withUriHeaders(base.value, headers);
    expect(!r.ok && r.error.message).toContain(message);
  });

  it('reports a bad escape in an embedded header with its offset in the URI', () => {
    const uri = parseUri('sip:a@b?X=ok&Y=%zz') as { ok: true; value: SipUri };
    const r = decodeUriHeaders(uri.value);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_BAD_ESCAPE', 15]);
    const named = parseUri('sip:a@b?X%C3=1') as { ok: true; value: SipUri };
    expect(decodeUriHeaders(named.value).ok).toBe(false);
  });

  it('decode(with(uri, headers)) gives the headers back for any printable values', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
    const value = fc
      .string({ unit: 'grapheme', maxLength: 30 })
      .filter((v) => !v.includes('\u0000'));
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { maxLength: 4 }), (headers) => {
        const r = withUriHeaders(base.value, headers);
        if (!r.ok) return false;
        const reparsed = parseUri(r.value.raw, { strict: true });
        if (!reparsed.ok) return false;
        const back = decodeUriHeaders(reparsed.value as SipUri);
        return (
          back.ok &&
          JSON.stringify(back.value) === JSON.stringify(headers) &&
          !/[\r\n]/.test(r.value.raw)
        );
      }),
    );
  });
});
