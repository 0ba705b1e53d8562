import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RFC3515_ACCEPT_CONTACT_EXAMPLE,
  RFC3515_REFER_TO_EXAMPLES,
} from '../test-data/rfc3515/refer-to-examples.ts';
import { findUnsafeControl } from './chars.ts';
import {
  buildReferTo,
  embedHeadersWithinBudget,
  parseReferTo,
  serializeReferTo,
  type ReferTo,
} from './refer-to.ts';
import { buildReplaces, serializeReplaces } from './replaces.ts';
import { buildUui, parseUui, serializeUui } from './uui.ts';
import type { SipUri } from './uri-model.ts';
import { parseUri } from './uri.ts';

const STRICT = { strict: true };

function parsed(value: string, options = {}): ReferTo {
  const r = parseReferTo(value, options);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.message} at ${r.error.offset}`);
  return r.value;
}

function sipUri(text: string): SipUri {
  const r = parseUri(text);
  if (!r.ok || (r.value.scheme !== 'sip' && r.value.scheme !== 'sips'))
    throw new Error('not a sip uri');
  return r.value as SipUri;
}

function built(input: Parameters<typeof buildReferTo>[0]): string {
  const r = buildReferTo(input);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`);
  return r.value;
}

describe('parseReferTo', () => {
  it.each(RFC3515_REFER_TO_EXAMPLES)('reads $value', (ex) => {
    const r = parsed(ex.value, STRICT);
    expect(r.embeddedHeaders).toEqual(ex.embeddedHeaders);
    expect(r.method).toBe(ex.method);
    expect(r.raw).toBe(ex.value);
    if (ex.replaces === null) expect(r.replaces).toBeNull();
    else expect(r.replaces).toMatchObject(ex.replaces);
  });

  it('reads a display name and refer-params', () => {
    const r = parsed('"Bob" <sip:bob@biloxi.example.com>;x=1', STRICT);
    expect(r).toMatchObject({
      address: { displayName: 'Bob' },
      params: [{ name: 'x', value: '1' }],
      replaces: null,
    });
  });

  it('reads a tel: URI, which has no headers', () => {
    expect(parsed('<tel:+1-201-555-0123>')).toMatchObject({ embeddedHeaders: [], method: null });
  });

  it('refuses a malformed embedded Replaces in both modes, and two of them in strict mode', () => {
    const bad = '<sip:a@b.example?Replaces=%3Bto-tag%3D1>';
    expect(parseReferTo(bad)).toMatchObject({ ok: false, error: { code: 'SIP_BAD_REFER_TO' } });
    const missingTag = '<sip:a@b.example?Replaces=x%3Bto-tag%3D1>';
    expect(parseReferTo(missingTag, STRICT)).toMatchObject({
      ok: false,
      error: { code: 'SIP_BAD_REFER_TO' },
    });
    expect(parsed(missingTag).replaces).toMatchObject({ callId: 'x', toTag: '1', fromTag: null });
    const two =
      '<sip:a@b.example?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=y%3Bto-tag%3D1%3Bfrom-tag%3D2>';
    expect(parseReferTo(two, STRICT)).toMatchObject({
      ok: false,
      error: { code: 'SIP_BAD_REFER_TO' },
    });
    expect(parsed(two).replaces?.callId).toBe('x');
  });

  it.each([
    [''],
    ['sip:a@b.example?Replaces=x'],
    ['<sip:a@b.example>, <sip:c@d.example>'],
    ['<sip:a@b.example'],
  ])('refuses %j', (value) => {
    expect(parseReferTo(value).ok).toBe(false);
  });
});

describe('parseReferTo edge cases', () => {
  it('refuses RFC 3515 §2.1\'s Accept-Contact example, whose second header has no "="', () => {
    for (const options of [STRICT, {}]) {
      expect(parseReferTo(RFC3515_ACCEPT_CONTACT_EXAMPLE, options)).toMatchObject({
        ok: false,
        error: { code: 'SIP_BAD_URI' },
      });
    }
  });

  it('refuses an embedded header the tolerant URI parser let through but that cannot be decoded', () => {
    const r = parseReferTo('<sip:a@b.example?X=%zz>');
    expect(r.ok).toBe(false);
    const uri = parseUri('sip:a@b.example?X=%zz');
    if (!uri.ok) throw new Error('uri');
    expect(buildReferTo({ uri: uri.value, headers: [{ name: 'Y', value: '1' }] }).ok).toBe(false);
  });
});

describe('serializeReferTo', () => {
  it.each(RFC3515_REFER_TO_EXAMPLES)('gives back $value', (ex) => {
    expect(serializeReferTo(parsed(ex.value))).toEqual({ ok: true, value: ex.value });
  });
});

describe('buildReferTo', () => {
  it('embeds a Replaces with its ";", "=" and "@" escaped (RFC 3515 §2.1 example)', () => {
    const replaces = buildReplaces({
      callId: '12345@192.168.118.3',
      toTag: '12345',
      fromTag: '5FFE-3994',
    });
    if (!replaces.ok) throw new Error('replaces');
    const text = built({
      uri: 'sip:dave@denver.example.org',
      headers: [{ name: 'Replaces', value: replaces.value.raw }],
    });
    expect(text).toBe(RFC3515_REFER_TO_EXAMPLES[1]?.value);
    expect(parsed(text, STRICT).replaces).toMatchObject({
      callId: '12345@192.168.118.3',
      fromTag: '5FFE-3994',
    });
  });

  it('embeds User-to-User the way RFC 7433 carries it through a REFER', () => {
    const uui = buildUui({
      data: new Uint8Array([0x56, 0xa3]),
      encoding: 'hex',
      purpose: 'isdn-uui',
    });
    if (!uui.ok) throw new Error('uui');
    const value = serializeUui([uui.value]);
    if (!value.ok) throw new Error('uui');
    const r = parsed(
      built({
        uri: 'sip:bob@example.com',
        headers: [{ name: 'User-to-User', value: value.value }],
      }),
      STRICT,
    );
    const back = parseUui(r.embeddedHeaders[0]?.value ?? '', STRICT);
    expect(back.ok && back.value[0]?.decoded).toEqual(new Uint8Array([0x56, 0xa3]));
  });

  it('adds a display name and params, keeps the headers the URI already has, and takes a parsed Uri', () => {
    const text = built({
      uri: sipUri('sip:a@b.example;method=INVITE?X-A=1'),
      displayName: 'Agent "7"',
      headers: [{ name: 'X-B', value: 'two words' }],
      params: [{ name: 'p', value: '1', quoted: false }],
    });
    const r = parsed(text, STRICT);
    expect(r.address.displayName).toBe('Agent "7"');
    expect(r.method).toBe('INVITE');
    expect(r.params).toEqual([{ name: 'p', value: '1', quoted: false }]);
    expect(r.embeddedHeaders).toEqual([
      { name: 'X-A', value: '1' },
      { name: 'X-B', value: 'two words' },
    ]);
  });

  it('writes a URI without headers in angle brackets', () => {
    expect(built({ uri: 'sip:a@b.example' })).toBe('<sip:a@b.example>');
    expect(built({ uri: 'tel:+15551234', headers: [] })).toBe('<tel:+15551234>');
  });

  it.each([
    [{ uri: 'not a uri' }, null],
    [
      { uri: 'sip:a@b.example', headers: [{ name: 'Bad Name', value: 'x' }] },
      'SIP_BAD_HEADER_NAME',
    ],
    [{ uri: 'sip:a@b.example', headers: [{ name: '', value: 'x' }] }, 'SIP_BAD_HEADER_NAME'],
    [
      { uri: 'sip:a@b.example', headers: [{ name: 'X', value: 'a\r\nVia: evil' }] },
      'SIP_UNSAFE_VALUE',
    ],
    [{ uri: 'sip:a@b.example', headers: [{ name: 'X', value: 'nul\u0000' }] }, 'SIP_UNSAFE_VALUE'],
    [{ uri: 'tel:+15551234', headers: [{ name: 'X', value: '1' }] }, 'SIP_BAD_REFER_TO'],
    [{ uri: 'sip:a@b.example', displayName: 'a\nb' }, 'SIP_UNSAFE_VALUE'],
  ])('refuses %j', (input, code) => {
    const r = buildReferTo(input);
    expect(r.ok).toBe(false);
    if (!r.ok && code !== null) expect(r.error.code).toBe(code);
  });
});

describe('embedHeadersWithinBudget', () => {
  const base = sipUri('sip:agent@ai.example.com');
  const headers = [
    { name: 'Replaces', value: 'call-1@x.example;to-tag=1;from-tag=2' },
    { name: 'X-Context', value: 'a'.repeat(100) },
    { name: 'User-to-User', value: '56a390f3;encoding=hex' },
    { name: 'X-Context', value: 'b'.repeat(50) },
  ];

  it('keeps everything when it fits, and reports the length', () => {
    const r = embedHeadersWithinBudget(base, headers, 1024);
    expect(r.ok && r.value.dropped).toEqual([]);
    expect(r.ok && r.value.length).toBe(r.ok ? r.value.text.length : -1);
    expect(r.ok && parsed(`<${r.value.text}>`).embeddedHeaders).toEqual(headers);
  });

  it('drops whole headers from the last when no order is given', () => {
    const r = embedHeadersWithinBudget(base, headers, 200);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.dropped).toEqual([headers[3], headers[2]]);
    expect(r.value.length).toBeLessThanOrEqual(200);
    expect(parsed(`<${r.value.text}>`).embeddedHeaders).toEqual(headers.slice(0, 2));
  });

  it('drops by name in the given order, last occurrence first, never cutting a value', () => {
    const r = embedHeadersWithinBudget(base, headers, 140, [
      'x-context',
      'User-to-User',
      'X-Context',
    ]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.dropped).toEqual([headers[3], headers[1]]);
    const kept = parsed(`<${r.value.text}>`).embeddedHeaders;
    expect(kept).toEqual([headers[0], headers[2]]);
    expect(r.value.text).not.toMatch(/%[0-9A-Fa-f]?$/);
  });

  it('fails with SIP_CANNOT_FIT when the headers it may drop are not enough', () => {
    const r = embedHeadersWithinBudget(base, headers, 100, ['X-Context']);
    expect(r).toMatchObject({ ok: false, error: { code: 'SIP_CANNOT_FIT', offset: 100 } });
    expect(embedHeadersWithinBudget(base, [], 10)).toMatchObject({
      ok: false,
      error: { code: 'SIP_CANNOT_FIT' },
    });
  });

  it('refuses a URI that cannot be written', () => {
    const r = embedHeadersWithinBudget({ ...base, host: 'a\r\nb' }, [], 1024);
    expect(r).toMatchObject({ ok: false, error: { code: 'SIP_UNSAFE_VALUE' } });
  });

  it('refuses unsafe headers before measuring', () => {
    const r = embedHeadersWithinBudget(base, [{ name: 'X', value: '\r\n' }], 1024);
    expect(r).toMatchObject({ ok: false, error: { code: 'SIP_UNSAFE_VALUE' } });
  });

  it('property: the result fits, keeps the given order, and kept + dropped = all', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.constantFrom('X-A', 'X-B', 'X-C'),
            value: fc
              .string({ unit: 'grapheme', maxLength: 60 })
              .filter((s) => findUnsafeControl(s) === -1),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 20, max: 600 }),
        (hs, max) => {
          const r = embedHeadersWithinBudget(base, hs, max);
          if (!r.ok) {
            expect(r.error.code).toBe('SIP_CANNOT_FIT');
            return;
          }
          expect(r.value.length).toBeLessThanOrEqual(max);
          const kept = parsed(`<${r.value.text}>`).embeddedHeaders;
          expect(kept).toEqual(hs.slice(0, hs.length - r.value.dropped.length));
        },
      ),
    );
  });
});

const TOKEN_CHARS = "abcXYZ019-.!%*_+`'~".split('');
const arbName = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
const arbValue = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(...'%;=@&?<>" ,:/[]#+$\\\t'.split('')),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
  })
  .filter((s) => findUnsafeControl(s) === -1);

describe('properties', () => {
  it('buildReferTo then parseReferTo gives back the same embedded headers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: arbName, value: arbValue }), { maxLength: 5 }),
        (headers) => {
          const text = built({ uri: 'sip:bob@biloxi.example.com', headers });
          expect(text).not.toMatch(/[\r\n\0]/);
          expect(parsed(text, STRICT).embeddedHeaders).toEqual(headers);
        },
      ),
    );
  });

  it('round trip: an embedded Replaces built from any tags comes back', () => {
    fc.assert(
      fc.property(arbName, arbName, arbName, (callId, toTag, fromTag) => {
        const r = buildReplaces({ callId, toTag, fromTag });
        if (!r.ok) throw new Error(r.error.message);
        const value = serializeReplaces(r.value);
        if (!value.ok) throw new Error(value.error.message);
        const rt = parsed(
          built({ uri: 'sip:a@b.example', headers: [{ name: 'Replaces', value: value.value }] }),
          STRICT,
        );
        expect(rt.replaces).toMatchObject({ callId, toTag, fromTag });
      }),
    );
  });

  it('totality: never throws; whatever parses serializes without CR/LF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, strict) => {
        for (const input of [s, `<sip:a@b.example?${s}>`]) {
          const r = parseReferTo(input, { strict });
          if (!r.ok) continue;
          const out = serializeReferTo(r.value);
          if (out.ok) expect(out.value).not.toMatch(/[\r\n\0]/);
        }
      }),
    );
  });
});
