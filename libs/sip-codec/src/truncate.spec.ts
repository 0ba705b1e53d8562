import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerLineBytes, utf8Length } from './bytes.ts';
import { fail, ok } from './errors.ts';
import { findLoneSurrogate } from './escape.ts';
import { serializeParams, type Param } from './params.ts';
import {
  fitEntries,
  fitHeaderValue,
  fitParams,
  truncateUriEscaped,
  truncateUtf8,
} from './truncate.ts';

/**
 * Any UTF-16 text, lone surrogates included (fast-check's `unit: 'binary'` builds a table of every
 * code point on first use, which costs a second per test file).
 */
const anyText = (maxLength = 20) =>
  fc
    .array(
      fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0x10000, max: 0x10ffff })),
      {
        maxLength,
      },
    )
    .map((codes) => String.fromCodePoint(...codes));

const p = (name: string, value: string | null = null, quoted = false): Param => ({
  name,
  value,
  quoted,
});

/** kept is a subsequence of input, and kept + dropped = input as multisets. */
function partitionsInOrder<T>(input: readonly T[], kept: readonly T[], dropped: readonly T[]) {
  const used = input.map(() => false);
  let from = 0;
  for (const x of kept) {
    const i = input.findIndex((y, j) => j >= from && y === x);
    if (i === -1) return false;
    used[i] = true;
    from = i + 1;
  }
  for (const x of dropped) {
    const i = input.findIndex((y, j) => !used[j] && y === x);
    if (i === -1) return false;
    used[i] = true;
  }
  return used.every(Boolean);
}

describe('truncateUtf8', () => {
  it.each([
    ['hello', 3, 'hel', 2],
    ['héllo', 2, 'h', 5],
    ['héllo', 3, 'hé', 3],
    ['a😀b', 4, 'a', 5],
    ['a😀b', 5, 'a😀', 1],
    ['a\ud800b', 2, 'a', 4],
    ['abc', 10, 'abc', 0],
    ['abc', 0, '', 3],
    ['', 0, '', 0],
  ])('%j to %i bytes → %j', (s, max, value, dropped) => {
    const cut = truncateUtf8(s, max);
    expect([cut.value, cut.droppedBytes]).toEqual([value, dropped]);
  });

  it('reports the tail it cut as one text row, and nothing when it cuts nothing', () => {
    expect(truncateUtf8('Café au lait', 5).dropped).toEqual([
      { kind: 'text', value: ' au lait', bytes: 8, reason: 'over the 5-byte budget' },
    ]);
    expect(truncateUtf8('Café', 5).dropped).toEqual([]);
  });

  it('gives the longest prefix that fits, valid UTF-16, cut at a code point', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      anyText(),
      fc.array(fc.constantFrom('a', 'é', '€', '😀')).map((xs) => xs.join('')),
    );
    fc.assert(
      fc.property(text, fc.nat(40), (s, max) => {
        const { value, droppedBytes, dropped } = truncateUtf8(s, max);
        const bytes = utf8Length(value);
        const next = s.codePointAt(value.length);
        return (
          s.startsWith(value) &&
          bytes <= max &&
          // maximal: the next code point would not fit
          (next === undefined || bytes + utf8Length(String.fromCodePoint(next)) > max) &&
          bytes + droppedBytes === utf8Length(s) &&
          // never half a pair; a lone surrogate in the input may stay (TextEncoder writes U+FFFD)
          (findLoneSurrogate(s) !== -1 || findLoneSurrogate(value) === -1) &&
          value + (dropped[0]?.value ?? '') === s
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('truncateUriEscaped', () => {
  it.each([
    ['ab%20cd', 3, 'ab'],
    ['ab%20cd', 4, 'ab'],
    ['ab%20cd', 5, 'ab%20'],
    ['%41%42', 4, '%41'],
    ['%41%42', 6, '%41%42'],
    ['plain', 3, 'pla'],
    ['a%C3%A9', 4, 'a'],
    ['a%C3%A9', 6, 'a'],
    ['a%C3%A9b', 7, 'a%C3%A9'],
    ['%E2%82%AC!', 9, '%E2%82%AC'],
    ['%E2%82%AC!', 8, ''],
    ['%F0%9F%98%80', 11, ''],
    ['%F0%9F%98%80', 12, '%F0%9F%98%80'],
    ['%41%80%80%80%80x', 15, '%41%80%80%80%80'],
    ['%41%zz%80x', 9, '%41%zz%80'],
    ['%4', 1, ''],
  ])('%j to %i → %j', (s, max, value) => {
    const cut = truncateUriEscaped(s, max);
    expect([cut.value, cut.droppedBytes]).toEqual([value, s.length - value.length]);
  });

  it('never ends inside an escape or an escaped UTF-8 sequence', () => {
    const escaped = fc
      .array(
        fc.oneof(
          fc.constantFrom('a', 'b', '-'),
          fc.constantFrom('%20', '%3B', '%C3%A9', '%e2%82%ac', '%F0%9F%98%80'),
        ),
        {
          maxLength: 20,
        },
      )
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(escaped, fc.nat(40), (s, max) => {
        const { value, dropped } = truncateUriEscaped(s, max);
        expect(s.startsWith(value)).toBe(true);
        expect(utf8Length(value)).toBeLessThanOrEqual(max);
        expect(utf8Length(value)).toBeGreaterThanOrEqual(Math.min(max, s.length) - 11);
        expect(/%[0-9A-F]?$/.test(value)).toBe(false);
        expect(() => decodeURIComponent(value)).not.toThrow();
        expect(value + (dropped[0]?.value ?? '')).toBe(s);
      }),
    );
  });
});

describe('fitParams', () => {
  const params = [
    p('reason', 'unconditional'),
    p('brand', 'AcmeBank'),
    p('journey_stage', 'loan-apps'),
    p('counter', '1'),
    p('lr'),
  ];
  const priority = (x: Param) => ({ reason: 9, counter: 8, brand: 5, lr: 7 })[x.name] ?? 1;

  it('drops whole params, lowest priority first, keeping order, and reports them', () => {
    const r = fitParams(params, 49, priority);
    expect(r.ok && r.value).toEqual({
      params: [p('reason', 'unconditional'), p('brand', 'AcmeBank'), p('counter', '1'), p('lr')],
      dropped: [p('journey_stage', 'loan-apps')],
      bytes: ';reason=unconditional;brand=AcmeBank;counter=1;lr'.length,
      fits: true,
      report: [
        {
          kind: 'param',
          name: 'journey_stage',
          value: 'loan-apps',
          bytes: 24,
          reason: 'over the 49-byte budget',
        },
      ],
    });
  });

  it('reports a flag param without a value, and counts quotes', () => {
    const r = fitParams([p('a', 'x y'), p('lr')], 3, (_x, i) => i);
    expect(r.ok && r.value.report).toEqual([
      { kind: 'param', name: 'a', value: 'x y', bytes: 8, reason: 'over the 3-byte budget' },
    ]);
    const all = fitParams([p('lr')], 0, () => 0);
    expect(all.ok && all.value.report).toEqual([
      { kind: 'param', name: 'lr', bytes: 3, reason: 'over the 0-byte budget' },
    ]);
  });

  it('drops the later of equal priorities first', () => {
    const r = fitParams([p('a', '1'), p('b', '2'), p('c', '3')], 8, () => 0);
    expect(r.ok && r.value.params.map((x) => x.name)).toEqual(['a', 'b']);
  });

  it('never drops kept names (any case), and says when it cannot fit', () => {
    const r = fitParams(params, 5, priority, { keep: ['REASON'] });
    expect(r.ok && [r.value.params, r.value.fits, r.value.bytes]).toEqual([
      [p('reason', 'unconditional')],
      false,
      21,
    ]);
  });

  it('drops nothing when it fits', () => {
    const r = fitParams(params, 1000, priority);
    expect(r.ok && [r.value.dropped, r.value.report]).toEqual([[], []]);
    expect(fitParams([], 0, priority)).toEqual({
      ok: true,
      value: { params: [], dropped: [], bytes: 0, fits: true, report: [] },
    });
  });

  it('refuses a list it cannot render, even one it would drop', () => {
    const r = fitParams([p('a', 'x\r\ny'), p('b')], 0, () => 0);
    expect(!r.ok && r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('fits whenever it says so; kept + dropped = input, order kept; kept names stay', () => {
    const param = fc.record({
      name: fc.constantFrom('keep', 'a', 'b', 'Keep', 'lr', 'x-y'),
      value: fc.option(fc.stringMatching(/^[a-z0-9 ]{0,8}$/), { nil: null }),
      quoted: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(param, { maxLength: 8 }),
        fc.nat(60),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 8, maxLength: 8 }),
        (ps, budget, prio) => {
          const r = fitParams(ps, budget, (_x, i) => prio[i] as number, { keep: ['keep'] });
          if (!r.ok) throw new Error(r.error.message);
          const { params: kept, dropped, bytes, fits, report } = r.value;
          const s = serializeParams(kept);
          expect(s.ok && utf8Length(s.value)).toBe(bytes);
          expect(fits).toBe(bytes <= budget);
          expect(partitionsInOrder(ps, kept, dropped)).toBe(true);
          expect(dropped.some((x) => x.name.toLowerCase() === 'keep')).toBe(false);
          expect(report.map((d) => d.name)).toEqual(dropped.map((x) => x.name));
          if (!fits) expect(kept.every((x) => x.name.toLowerCase() === 'keep')).toBe(true);
        },
      ),
    );
  });
});

describe('fitEntries', () => {
  const render = (s: string) => (s.includes('\n') ? fail('SIP_UNSAFE_VALUE', 'bad', s, 0) : ok(s));

  it('drops whole entries by priority, ties dropping the later one first, and reports them', () => {
    const r = fitEntries(['aaaa', 'bbbb', 'cccc'], render, ', ', 10, () => 0);
    expect(r.ok && r.value).toEqual({
      kept: ['aaaa', 'bbbb'],
      dropped: ['cccc'],
      bytes: 10,
      fits: true,
      report: [{ kind: 'entry', value: 'cccc', bytes: 6, reason: 'over the 10-byte budget' }],
    });
  });

  it('keeps higher priorities', () => {
    const r = fitEntries(
      ['aaaa', 'bbbb', 'cccc'],
      render,
      ',',
      9,
      (_e, i) => [0, 5, 5][i] as number,
    );
    expect(r.ok && r.value.kept).toEqual(['bbbb', 'cccc']);
  });

  it('can drop everything, and then fits in nothing', () => {
    const r = fitEntries(['aaaa', 'bbbb'], render, ',', 0, () => 0);
    expect(r.ok && [r.value.kept, r.value.bytes, r.value.fits]).toEqual([[], 0, true]);
  });

  it('refuses an entry it cannot render', () => {
    expect(fitEntries(['a\nb'], render, ',', 10, () => 0).ok).toBe(false);
  });

  it('fits whenever it says so; kept + dropped = input, order kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-zé]{0,10}$/), { maxLength: 8 }),
        fc.nat(50),
        fc.constantFrom(', ', ',', ''),
        fc.func(fc.integer({ min: 0, max: 3 })),
        (es, budget, sep, prio) => {
          const r = fitEntries(es, render, sep, budget, prio);
          if (!r.ok) throw new Error(r.error.message);
          const { kept, dropped, bytes, fits, report } = r.value;
          expect(utf8Length(kept.join(sep))).toBe(bytes);
          expect(fits).toBe(true); // entries have no never-drop names: it always ends up fitting
          expect(bytes).toBeLessThanOrEqual(budget);
          expect(partitionsInOrder(es, kept, dropped)).toBe(true);
          expect(report.map((d) => d.value)).toEqual(dropped);
        },
      ),
    );
  });
});

describe('fitHeaderValue', () => {
  it('passes a line that fits and refuses one that does not, with the sizes', () => {
    expect(fitHeaderValue('X-A', 'abc', 10)).toEqual({ ok: true, value: 'abc' });
    expect(headerLineBytes('X-A', 'abc')).toBe(10);
    const r = fitHeaderValue('X-A', 'abcé', 10);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual([
      'SIP_TOO_LARGE',
      'X-A would take 12 bytes on the wire, over the 10-byte budget',
    ]);
  });
});
