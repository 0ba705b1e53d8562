import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findEmptyListElement,
  findUnbalanced,
  splitList,
  topLevelCommas,
  trimWsp,
} from './split-list.ts';

describe('splitList', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' a , b ,c ', ['a', 'b', 'c']],
    ['a,,b', ['a', 'b']],
    [',a,', ['a']],
    [' , ', []],
    ['a\t,\tb', ['a', 'b']],
    ['"x, y" <sip:a@b>, <sip:c@d>', ['"x, y" <sip:a@b>', '<sip:c@d>']],
    ['"x \\" , y" <sip:a@b>, c', ['"x \\" , y" <sip:a@b>', 'c']],
    ['"a\\\\", b', ['"a\\\\"', 'b']],
    ['<sip:a,b@c>;p=1, <sip:d@e>', ['<sip:a,b@c>;p=1', '<sip:d@e>']],
    ['<sip:a@b?x=1,2>, "q" <sip:c@d>', ['<sip:a@b?x=1,2>', '"q" <sip:c@d>']],
    ['"unterminated, a', ['"unterminated, a']],
    ['<sip:a@b, c', ['<sip:a@b, c']],
    ['a, "x" b, <c>, d', ['a', '"x" b', '<c>', 'd']],
    ['<a> "q,1", b', ['<a> "q,1"', 'b']],
    ['"a" <b>, "c" <d>, "e" <f>', ['"a" <b>', '"c" <d>', '"e" <f>']],
  ])('%j → %j', (value, expected) => {
    expect(splitList(value)).toEqual(expected);
  });

  it('keeps every non-separator character (nothing lost)', () => {
    const strip = (s: string) => s.replace(/[ \t,]/g, '');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ',', ' ', '"', '\\', '<', '>', 'é') }),
        (v) => {
          expect(strip(splitList(v).join(''))).toBe(strip(v));
        },
      ),
    );
  });

  it('splits rows that were joined with commas back into their elements', () => {
    const element = fc.oneof(
      fc.stringMatching(/^[a-z0-9;=.]{1,8}$/),
      fc.stringMatching(/^"[a-z ,]{0,6}" <sip:[a-z,]{1,6}@h>$/),
      fc.stringMatching(/^<sip:[a-z,?=]{1,8}@h>;p=[a-z]{1,3}$/),
    );
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 6 }), (elements) => {
        expect(splitList(elements.join(', '))).toEqual(elements);
      }),
    );
  });
});

describe('findEmptyListElement', () => {
  it.each([
    ['', -1],
    ['a', -1],
    ['a, b', -1],
    ['a,,b', 2],
    [',a', 0],
    ['a,', 2],
    ['a, ,b', 2],
    ['"x,,y"', -1],
    ['SIP/2.0/UDP 192.0.2.15;;,;,,', 27],
  ])('%j → %d', (value, offset) => {
    expect(findEmptyListElement(value)).toBe(offset);
  });
});

describe('findUnbalanced', () => {
  it.each([
    ['', -1],
    ['sip:a@b', -1],
    ['"A" <sip:a@b>;tag=1', -1],
    ['"Mr. J. User <sip:j.user@example.com>', 0],
    ['x <sip:a@b', 2],
    ['<a>, "b" <c>, <d', 14],
    ['"a\\"b" <c>', -1],
    ['"a\\"', 0],
  ])('%j → %d', (value, offset) => {
    expect(findUnbalanced(value)).toBe(offset);
  });
});

describe('topLevelCommas and trimWsp', () => {
  it('finds only top-level commas', () => {
    expect(topLevelCommas('a,"b,c",<d,e>,f')).toEqual([1, 7, 13]);
  });

  it.each([
    [' a ', 0, 3, 'a'],
    ['\ta b\t', 0, 5, 'a b'],
    ['abc', 0, 3, 'abc'],
    ['   ', 0, 3, ''],
    ['x a y', 1, 4, 'a'],
  ])('trimWsp(%j, %d, %d) is %j', (value, start, end, expected) => {
    expect(trimWsp(value, start, end)).toBe(expected);
  });
});
