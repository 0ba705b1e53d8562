/**
 * Byte accounting: sizes as they go on the wire, in UTF-8.
 */

/**
 * The UTF-8 length of `s` without encoding it. A lone surrogate counts 3 bytes, as TextEncoder
 * writes it (U+FFFD); serializers refuse lone surrogates anyway (`findLoneSurrogate`).
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 2; // the pair is 2 code units and 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The size of `Name: value\r\n` on the wire. */
export function headerLineBytes(name: string, value: string): number {
  return utf8Length(name) + 2 + utf8Length(value) + 2;
}
