import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC3326_REASON_EXAMPLES } from '../test-data/rfc3326/reason-examples.ts';
import { findUnsafeControl } from './chars.ts';
import {
  buildReason,
  parseReason,
  serializeReason,
  serializeReasonValue,
  type ReasonValue,
} from './reason.ts';

const STRICT = { strict: true };

describe('parseReason', () => {
  it.each(RFC3326_REASON_EXAMPLES)('reads the RFC 3326 example $value', (ex) => {
    const r = parseReason(ex.value, STRICT);
    expect(r.ok && r.value).toEqual([
      expect.objectContaining({
        protocol: ex.protocol,
        cause: ex.cause,
        text: ex.text,
        raw: ex.value,
      }),
    ]);
  });

  it('keeps every parameter in order, extensions included', () => {
    const r = parseReason('SIP;location=uac;cause=487;text="Request Terminated";x', STRICT);
    expect(r.ok && r.value[0]?.params.map((p) => p.name)).toEqual([
      'location',
      'cause',
      'text',
      'x',
    ]);
  });

  it('reads a comma-separated list with different protocols', () => {
    const r = parseReason('SIP;cause=480;text="Temporarily Unavailable" , Q.850;cause=18', STRICT);
    expect(r.ok && r.value.map((v) => [v.protocol, v.cause, v.text, v.raw])).toEqual([
      ['SIP', 480, 'Temporarily Unavailable', 'SIP;cause=480;text="Temporarily Unavailable"'],
      ['Q.850', 18, null, 'Q.850;cause=18'],
    ]);
  });

  it('reads a protocol alone', () => {
    const r = parseReason('preemption', STRICT);
    expect(r.ok && r.value[0]).toMatchObject({
      protocol: 'preemption',
      cause: null,
      text: null,
      params: [],
    });
  });

  it.each([
    ['', 'SIP_EMPTY'],
    ['   ', 'SIP_EMPTY'],
    [';cause=1', 'SIP_BAD_REASON'],
    ['SIP;cause=1 junk', 'SIP_BAD_REASON'],
    ['SIP;cause=1,', 'SIP_BAD_REASON'],
    ['SIP;cause="unterminated', 'SIP_BAD_QUOTED_STRING'],
  ])('refuses %j with %s in both modes', (value, code) => {
    for (const options of [STRICT, {}]) {
      const r = parseReason(value, options);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
    }
  });

  it.each([
    ['SIP;text=Busy', 'SIP_BAD_REASON', { text: 'Busy', cause: null }],
    ['SIP;cause=abc', 'SIP_BAD_REASON', { cause: null }],
    ['SIP;cause', 'SIP_BAD_REASON', { cause: null }],
    ['SIP;cause=99999999999999999999', 'SIP_BAD_REASON', { cause: null }],
    ['SIP;cause=1;cause=2', 'SIP_DUPLICATE_PARAM', { cause: 1 }],
    ['SIP;text="a";text="b"', 'SIP_DUPLICATE_PARAM', { text: 'a' }],
  ])('strict refuses %j (%s); tolerant reads it', (value, code, fields) => {
    const strict = parseReason(value, STRICT);
    expect(strict.ok ? 'ok' : strict.error.code).toBe(code);
    const tolerant = parseReason(value);
    expect(tolerant.ok && tolerant.value[0]).toMatchObject(fields);
  });

  it('strict refuses two values of one protocol (RFC 3326 §2), tolerant keeps both', () => {
    const value = 'SIP;cause=200, sip;cause=486';
    const strict = parseReason(value, STRICT);
    expect(strict.ok ? 'ok' : strict.error).toMatchObject({ code: 'SIP_BAD_REASON', offset: 15 });
    const tolerant = parseReason(value);
    expect(tolerant.ok && tolerant.value.length).toBe(2);
  });
});

describe('serializeReason', () => {
  it.each(RFC3326_REASON_EXAMPLES)('gives back $value without the blanks', (ex) => {
    const r = parseReason(ex.value, STRICT);
    expect(r.ok && serializeReason(r.value)).toEqual({
      ok: true,
      value: ex.value.replace(/ ;/g, ';'),
    });
  });

  it('lets cause and text win over the parameters, keeping their place', () => {
    const r = parseReason('SIP;cause=200;x=1;text="old"');
    if (!r.ok) throw new Error('parse');
    const v = r.value[0] as ReasonValue;
    expect(serializeReasonValue({ ...v, cause: 487, text: 'new "one"' })).toEqual({
      ok: true,
      value: 'SIP;cause=487;x=1;text="new \\"one\\""',
    });
    expect(serializeReasonValue({ ...v, cause: null, text: null })).toEqual({
      ok: true,
      value: 'SIP;x=1',
    });
  });

  it('keeps a cause written with leading zeros when it still means the same number', () => {
    const r = parseReason('Q.850;cause=016');
    expect(r.ok && serializeReason(r.value)).toEqual({ ok: true, value: 'Q.850;cause=016' });
  });

  it('keeps a cause that is not a number unless the field sets one', () => {
    const r = parseReason('SIP;cause=abc');
    if (!r.ok) throw new Error('parse');
    const v = r.value[0] as ReasonValue;
    expect(serializeReasonValue(v)).toEqual({ ok: true, value: 'SIP;cause=abc' });
    expect(serializeReasonValue({ ...v, cause: 5 })).toEqual({ ok: true, value: 'SIP;cause=5' });
  });

  it('appends cause and text set on a value that had none', () => {
    const r = parseReason('SIP');
    if (!r.ok) throw new Error('parse');
    expect(serializeReasonValue({ ...(r.value[0] as ReasonValue), cause: 503, text: 'x' })).toEqual(
      {
        ok: true,
        value: 'SIP;cause=503;text="x"',
      },
    );
  });

  it.each([
    [{ protocol: 'S IP', cause: null, text: null }],
    [{ protocol: 'SIP', cause: -1, text: null }],
    [{ protocol: 'SIP', cause: 1.5, text: null }],
    [{ protocol: 'SIP', cause: 200, text: 'a\r\nInjected: yes' }],
  ])('refuses unsafe %j', (fields) => {
    const r = serializeReason([{ ...fields, params: [], raw: '' }]);
    expect(r.ok ? 'ok' : r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('refuses an empty list', () => {
    expect(serializeReason([])).toMatchObject({ ok: false, error: { code: 'SIP_EMPTY' } });
  });
});

describe('buildReason', () => {
  it('builds a valid value', () => {
    const r = buildReason({ protocol: 'SIP', cause: 487, text: 'Request Terminated' });
    expect(r).toEqual({
      ok: true,
      value: {
        protocol: 'SIP',
        cause: 487,
        text: 'Request Terminated',
        params: [
          { name: 'cause', value: '487', quoted: false },
          { name: 'text', value: 'Request Terminated', quoted: true },
        ],
        raw: 'SIP;cause=487;text="Request Terminated"',
      },
    });
  });

  it('builds a value with only a protocol', () => {
    expect(buildReason({ protocol: 'Q.850' })).toMatchObject({
      ok: true,
      value: { raw: 'Q.850', params: [] },
    });
  });

  it.each([[{ protocol: '' }], [{ protocol: 'SIP', text: 'a\nb' }]])('refuses %j', (input) => {
    expect(buildReason(input).ok).toBe(false);
  });
});

const arbReasonInput = fc.record({
  protocol: fc.constantFrom('SIP', 'Q.850', 'preemption', 'X-Vendor'),
  cause: fc.option(fc.nat({ max: 999_999 }), { nil: null }),
  text: fc.option(
    fc.string({ unit: 'grapheme' }).filter((s) => findUnsafeControl(s) === -1),
    { nil: null },
  ),
});

describe('properties', () => {
  it('round trip: build, serialize, parse strictly gives the same fields', () => {
    fc.assert(
      fc.property(fc.array(arbReasonInput, { minLength: 1, maxLength: 4 }), (inputs) => {
        const unique = inputs.filter(
          (v, i) => inputs.findIndex((w) => w.protocol === v.protocol) === i,
        );
        const built = unique.map((i) => buildReason(i));
        const values = built.map((b) => (b.ok ? b.value : null)).filter((v) => v !== null);
        expect(values.length).toBe(unique.length);
        const text = serializeReason(values);
        if (!text.ok) throw new Error(text.error.message);
        expect(text.value).not.toMatch(/[\r\n\0]/);
        const back = parseReason(text.value, STRICT);
        expect(back.ok && back.value.map((v) => [v.protocol, v.cause, v.text])).toEqual(
          unique.map((v) => [v.protocol, v.cause, v.text]),
        );
      }),
    );
  });

  it('totality: never throws, and whatever parses serializes without CR/LF and parses again', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, strict) => {
        const r = parseReason(s, { strict });
        if (!r.ok) return;
        const out = serializeReason(r.value);
        if (!out.ok) return;
        expect(out.value).not.toMatch(/[\r\n\0]/);
        const again = parseReason(out.value);
        expect(again.ok && again.value.map((v) => [v.protocol, v.cause, v.text])).toEqual(
          r.value.map((v) => [v.protocol, v.cause, v.text]),
        );
      }),
    );
  });
});
