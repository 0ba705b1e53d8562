import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUriHeaders, withUriHeaders } from './uri-headers.ts';
import type { SipUri } from './uri-model.ts';
import { parseUri } from './uri.ts';

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
    [[{ name: '', value: 'x' }], 'not a token'],
    [[{ name: 'X-A', value: 'nul\u0000' }], 'NUL'],
    [[{ name: 'X-A', value: 'half \uD83D' }], 'lone surrogate'],
  ])('refuses %j', (headers, message) => {
    const r = withUriHeaders(base.value, headers);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual([
      'SIP_UNSAFE_VALUE',
      expect.stringContaining(message),
    ]);
  });

  it('replaces existing headers, and an empty list removes them', () => {
    const withOne = parseUri('sip:a@b.com?Old=1') as { ok: true; value: SipUri };
    const r = withUriHeaders(withOne.value, [{ name: 'New', value: 'a b' }]);
    expect(r.ok && r.value.raw).toBe('sip:a@b.com?New=a%20b');
    const none = withUriHeaders(withOne.value, []);
    expect(none.ok && [none.value.raw, none.value.headers]).toEqual(['sip:a@b.com', []]);
  });

  it('keeps refusing a URI whose other parts cannot be written', () => {
    const r = withUriHeaders({ ...base.value, host: 'bad host' }, [{ name: 'A', value: 'b' }]);
    expect(!r.ok && r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('decodes RFC 3261 §19.1.3 and RFC 4475 embedded headers', () => {
    const cases: [string, { name: string; value: string }[]][] = [
      [
        'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
        [
          { name: 'subject', value: 'project x' },
          { name: 'priority', value: 'urgent' },
        ],
      ],
      [
        'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
        [{ name: 'to', value: 'alice@atlanta.com' }],
      ],
      [
        'sip:user@example.com?Route=%3Csip:sip.example.com%3E',
        [{ name: 'Route', value: '<sip:sip.example.com>' }],
      ],
      ['sip:a@b.com?Empty=', [{ name: 'Empty', value: '' }]],
      ['sip:a@b.com', []],
    ];
    for (const [input, expected] of cases) {
      const uri = parseUri(input, { strict: true }) as { ok: true; value: SipUri };
      expect(decodeUriHeaders(uri.value)).toEqual({ ok: true, value: expected });
    }
  });

  it('reports a bad escape in an embedded header with its offset in the URI', () => {
    const uri = parseUri('sip:a@b?X=ok&Y=%zz') as { ok: true; value: SipUri };
    const r = decodeUriHeaders(uri.value);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_BAD_ESCAPE', 15]);
    const named = parseUri('sip:a@b?X%C3=1') as { ok: true; value: SipUri };
    const n = decodeUriHeaders(named.value);
    expect(!n.ok && [n.error.code, n.error.offset]).toEqual(['SIP_BAD_UTF8', 9]);
    // A "?" in the user part does not shift the offsets.
    const q = parseUri('sip:a?b@c?X=1&Y=%zz') as { ok: true; value: SipUri };
    const rq = decodeUriHeaders(q.value);
    expect(!rq.ok && [rq.error.offset, rq.error.input]).toEqual([16, 'sip:a?b@c?X=1&Y=%zz']);
    // An edited URI whose raw is stale: the offset points into its `?headers` text.
    const edited = { ...q.value, raw: 'sip:stale' };
    const re = decodeUriHeaders(edited);
    expect(!re.ok && [re.error.offset, re.error.input]).toEqual([7, '?X=1&Y=%zz']);
  });

  it('decode(with(uri, headers)) gives the headers back for any printable values', () => {
    // Any token as a name; any printable text as a value, CR, LF and the URI's own delimiters too.
    const name = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,12}$/);
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(...Array.from(';=?&<>"% \r\n\t@:,[]/\\é😀')) }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { maxLength: 4 }), (headers) => {
        const r = withUriHeaders(base.value, headers);
        if (!r.ok) return headers.some((h) => h.value.includes('\u0000'));
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
