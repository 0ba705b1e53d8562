import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length } from './bytes.ts';
import { fail, ok } from './errors.ts';
import { serializeParams, type Param } from './params.ts';
import { fitEntries, fitHeaderValue, fitParams, truncateUriEscaped, truncateUtf8 } from './truncate.ts';

const p = (name: string, value: string | null = null): Param => ({ name, value, quoted: false });

describe('truncateUtf8', () => {
  it.each([
    ['hello', 3, 'hel', 2],
    ['héllo', 2, 'h', 5],
    ['héllo', 3, 'hé', 3],
    ['a😀b', 4, 'a', 5],
    ['a😀b', 5, 'a😀', 1],
    ['abc', 10, 'abc', 0],
    ['abc', 0, '', 3],
  ])('%j to %i bytes → %j', (s, max, value, dropped) => {
    expect(truncateUtf8(s, max)).toEqual({ value, droppedBytes: dropped });
  });

  it('gives the longest valid prefix that fits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(40), (s, max) => {
        const { value, droppedBytes } = truncateUtf8(s, max);
        const bytes = utf8Length(value);
        const next = s.codePointAt(value.length);
        const maximal = next === undefined || bytes + utf8Length(String.fromCodePoint(next)) > max;
        return s.startsWith(value) && bytes <= max && maximal && bytes + droppedBytes === utf8Length(s) && !/[\ud800-\udbff]$/.test(value);
      }),
    );
  });
});

describe('truncateUriEscaped', () => {
  it.each([
    ['ab%20cd', 3, 'ab'],
    ['ab%20cd', 4, 'ab'],
    ['ab%20cd', 5, 'ab%20'],
    ['%41%42', 4, '%41'],
    ['plain', 3, 'pla'],
  ])('%j to %i → %j', (s, max, value) => {
    expect(truncateUriEscaped(s, max).value).toBe(value);
  });

  it('never ends inside an escape', () => {
    const escaped = fc.array(fc.oneof(fc.constantFrom('a', 'b', '-'), fc.constantFrom('%20', '%3B', '%C3%A9')), { maxLength: 20 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(escaped, fc.nat(40), (s, max) => {
        const { value } = truncateUriEscaped(s, max);
        return utf8Length(value) <= max && !/%[0-9A-F]?$/.test(value) && s.startsWith(value);
      }),
    );
  });
});

describe('fitParams', () => {
  const params = [p('reason', 'unconditional'), p('brand', 'AcmeBank'), p('journey_stage', 'loan-apps'), p('counter', '1')];
  const priority = (x: Param) => ({ reason: 9, counter: 8, brand: 5 })[x.name] ?? 1;

  it('drops whole params, lowest priority first, keeping order', () => {
    const r = fitParams(params, 46, priority);
    expect(r.ok && r.value).toEqual({
      params: [p('reason', 'unconditional'), p('brand', 'AcmeBank'), p('counter', '1')],
      dropped: [p('journey_stage', 'loan-apps')],
      bytes: ';reason=unconditional;brand=AcmeBank;counter=1'.length,
      fits: true,
    });
  });

  it('never drops kept names, and says when it cannot fit', () => {
    const r = fitParams(params, 5, priority, { keep: ['REASON'] });
    expect(r.ok && r.value.params).toEqual([p('reason', 'unconditional')]);
    expect(r.ok && r.value.fits).toBe(false);
  });

  it('drops nothing when it fits', () => {
    const r = fitParams(params, 1000, priority);
    expect(r.ok && r.value.dropped).toEqual([]);
  });

  it('refuses a list it cannot render', () => {
    expect(fitParams([p('a b')], 10, () => 0).ok).toBe(false);
  });

  it('holds the budget whenever it says it fits; kept + dropped = input, order kept', () => {
    const param = fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/), value: fc.option(fc.stringMatching(/^[a-z0-9]{0,8}$/), { nil: null }), quoted: fc.constant(false) });
    fc.assert(
      fc.property(fc.array(param, { maxLength: 8 }), fc.nat(60), fc.array(fc.integer(), { minLength: 8, maxLength: 8 }), (ps, budget, prio) => {
        const r = fitParams(ps, budget, (_x, i) => prio[i] as number, { keep: ['keep'] });
        if (!r.ok) return false;
        const s = serializeParams(r.value.params);
        const inOrder = r.value.params.every((x, i, a) => i === 0 || ps.indexOf(x) > ps.indexOf(a[i - 1] as Param));
        return (
          (!r.value.fits || (s.ok && utf8Length(s.value) <= budget)) &&
          r.value.params.length + r.value.dropped.length === ps.length &&
          inOrder &&
          r.value.dropped.every((x) => x.name !== 'keep')
        );
      }),
    );
  });
});

describe('fitEntries', () => {
  const render = (s: string) => (s.includes('\n') ? fail('SIP_UNSAFE_VALUE', 'bad', s, 0) : ok(s));

  it('drops whole entries by priority, ties dropping the later one first', () => {
    const r = fitEntries(['aaaa', 'bbbb', 'cccc'], render, ', ', 10, () => 0);
    expect(r.ok && r.value).toEqual({ kept: ['aaaa', 'bbbb'], dropped: ['cccc'], bytes: 10, fits: true });
  });

  it('keeps higher priorities', () => {
    const r = fitEntries(['aaaa', 'bbbb', 'cccc'], render, ',', 9, (_e, i) => [0, 5, 5][i] as number);
    expect(r.ok && r.value.kept).toEqual(['bbbb', 'cccc']);
  });

  it('refuses an entry it cannot render', () => {
    expect(fitEntries(['a\nb'], render, ',', 10, () => 0).ok).toBe(false);
  });

  it('always fits when it says so', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{0,10}$/), { maxLength: 8 }), fc.nat(50), (es, budget) => {
        const r = fitEntries(es, render, ', ', budget, () => 0);
        return r.ok && (!r.value.fits || r.value.kept.join(', ').length <= budget) && r.value.kept.length + r.value.dropped.length === es.length;
      }),
    );
  });
});

describe('fitHeaderValue', () => {
  it('passes a line that fits and refuses one that does not, with the sizes', () => {
    expect(fitHeaderValue('X-A', 'abc', 10)).toEqual({ ok: true, value: 'abc' });
    const r = fitHeaderValue('X-A', 'abcd', 10);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['SIP_TOO_LARGE', 'X-A would take 11 bytes on the wire, over the 10-byte budget']);
  });
});
