import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeControl } from './chars.ts';
import { parseParams, serializeParams, withParam, withoutParam, getParam } from './params.ts';

describe('parseParams', () => {
  it.each([
    [';lr', [{ name: 'lr', value: null, quoted: false }]],
    [
      ' ; tag = abc ; lr',
      [
        { name: 'tag', value: 'abc', quoted: false },
        { name: 'lr', value: null, quoted: false },
      ],
    ],
    [';x="a \\"b\\""', [{ name: 'x', value: 'a "b"', quoted: true }]],
    [';received=[2001:db8::1]', [{ name: 'received', value: '[2001:db8::1]', quoted: false }]],
  ])('%s', (input, expected) => {
    expect(parseParams(input)).toEqual({ ok: true, value: expected });
  });
});

describe('serializeParams', () => {
  it('quotes values that are not tokens and refuses CR/LF', () => {
    expect(serializeParams([{ name: 'a', value: 'x y', quoted: false }])).toEqual({
      ok: true,
      value: ';a="x y"',
    });
    const r = serializeParams([{ name: 'a', value: 'x\r\nVia: evil', quoted: true }]);
    expect(r.ok).toBe(false);
  });
  it('edits keep order', () => {
    const ps = [
      { name: 'a', value: '1', quoted: false },
      { name: 'B', value: null, quoted: false },
    ];
    expect(withParam(ps, 'a', '2').map((p) => p.value)).toEqual(['2', null]);
    expect(withoutParam(ps, 'b')).toHaveLength(1);
    expect(getParam(ps, 'b')?.name).toBe('B');
  });
});

describe('parseParams edge cases', () => {
  it.each([
    [';a=', { strict: true }, 'SIP_BAD_PARAM', 3],
    [';=x', {}, 'SIP_BAD_PARAM', 1],
    [';a="open', {}, 'SIP_BAD_QUOTED_STRING', 8],
    [';a=[::1', {}, 'SIP_BAD_PARAM', 3],
    [';a=[zz]', {}, 'SIP_BAD_PARAM', 3],
    [';a=loan‑apps', { strict: true }, 'SIP_TRAILING_DATA', 7],
    [';a;', { strict: true }, 'SIP_BAD_PARAM', 3],
    [';a b', {}, 'SIP_TRAILING_DATA', 3],
  ])('%j %j → %s at %i', (input, options, code, offset) => {
    const r = parseParams(input, options);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.offset]).toEqual([code, offset]);
  });

  it.each([
    [';journey_stage=loan‑apps', [{ name: 'journey_stage', value: 'loan‑apps', quoted: false }]],
    [';a=', [{ name: 'a', value: '', quoted: false }]],
    [';a;', [{ name: 'a', value: null, quoted: false }]],
    [';x=a:b/c', [{ name: 'x', value: 'a:b/c', quoted: false }]],
  ])('tolerant mode accepts %j', (input, expected) => {
    expect(parseParams(input)).toEqual({ ok: true, value: expected });
  });

  it('stops at a comma so lists can continue', async () => {
    const { scanParams } = await import('./params.ts');
    const r = scanParams(';a=1 , <sip:b>', 0);
    expect(r.ok && r.value.end).toBe(5);
  });

  it('refuses names that are not tokens and serializes IPv6 values bare', async () => {
    const { serializeParam, isParamName } = await import('./params.ts');
    expect(serializeParam({ name: 'a b', value: null, quoted: false }).ok).toBe(false);
    expect(serializeParam({ name: 'maddr', value: '[::1]', quoted: false })).toEqual({
      ok: true,
      value: 'maddr=[::1]',
    });
    expect(serializeParam({ name: 'x', value: 'tok', quoted: true })).toEqual({
      ok: true,
      value: 'x="tok"',
    });
    expect(isParamName('brand')).toBe(true);
    expect(isParamName('')).toBe(false);
  });

  it('round-trips any parameter list it can serialize', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
    const value = fc.option(fc.string({ maxLength: 12 }), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, value, quoted: fc.boolean() }), { maxLength: 5 }),
        (ps) => {
          const s = serializeParams(ps);
          if (!s.ok) return ps.some((p) => p.value !== null && findUnsafeControl(p.value) !== -1);
          if (/[\r\n\0]/.test(s.value)) return false;
          const back = parseParams(s.value, { strict: true });
          return (
            back.ok &&
            back.value.every((p, i) => p.name === ps[i]?.name && p.value === ps[i]?.value)
          );
        },
      ),
    );
  });
});
