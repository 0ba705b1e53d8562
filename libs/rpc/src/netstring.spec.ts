import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNetstring, NetstringDecoder } from './netstring.ts';

const text = (frames: Uint8Array[]): string[] => frames.map((f) => Buffer.from(f).toString('utf8'));

function feed(decoder: NetstringDecoder, ...chunks: string[]) {
  return chunks.map((c) => decoder.push(Buffer.from(c, 'utf8')));
}

describe('encodeNetstring', () => {
  it.each([
    ['', '0:,'],
    ['{"id":1}', '8:{"id":1},'],
    ['é', '2:é,'],
  ])('%j', (payload, wire) => {
    expect(encodeNetstring(payload).toString('utf8')).toBe(wire);
    expect(encodeNetstring(Buffer.from(payload)).toString('utf8')).toBe(wire);
  });
});

describe('NetstringDecoder', () => {
  it('pipelined frames in one chunk, a frame across chunks, an empty frame', () => {
    const d = new NetstringDecoder({ maxFrameBytes: 1024 });
    const [a, b, c] = feed(d, '3:abc,0:,5:he', 'll', 'o,2:xy');
    expect(a?.ok && text(a.frames)).toEqual(['abc', '']);
    expect(b?.ok && text(b.frames)).toEqual([]);
    expect(c?.ok && text(c.frames)).toEqual(['hello']);
    expect(d.buffered).toBe(2);
    const [e] = feed(d, ',');
    expect(e?.ok && text(e.frames)).toEqual(['xy']);
    expect(d.buffered).toBe(0);
  });

  it.each([
    ['no length', ':abc,', 'RPC_BAD_LENGTH', 0],
    ['a letter in the length', '1x:a,', 'RPC_BAD_LENGTH', 1],
    ['a leading zero', '03:abc,', 'RPC_BAD_LENGTH', 1],
    ['a space before the length', ' 3:abc,', 'RPC_BAD_LENGTH', 0],
    ['no comma', '3:abcd', 'RPC_BAD_TERMINATOR', 5],
    ['a length over the limit', '1025:', 'RPC_FRAME_TOO_LARGE', 3],
    ['a length with too many digits', '00000000000000000000001:', 'RPC_BAD_LENGTH', 1],
    ['an absurd length', '99999999999999999999999999:', 'RPC_FRAME_TOO_LARGE', 3],
  ])('%s is refused', (_, wire, code, offset) => {
    const d = new NetstringDecoder({ maxFrameBytes: 1024 });
    const [r] = feed(d, wire);
    expect(r?.ok ? 'ok' : [r?.error.code, r?.error.offset]).toEqual([code, offset]);
  });

  it('frames before an error are still delivered; after it the stream stays failed', () => {
    const d = new NetstringDecoder({ maxFrameBytes: 64 });
    const [r, after] = feed(d, '2:ok,x', '2:ok,');
    expect(r?.ok).toBe(false);
    expect(r && text(r.frames)).toEqual(['ok']);
    expect(after?.ok ? 'ok' : after?.error.code).toBe('RPC_BAD_LENGTH');
    expect(d.error?.offset).toBe(5);
  });

  it('refuses an oversized frame before holding any of it', () => {
    const d = new NetstringDecoder({ maxFrameBytes: 10 });
    const r = d.push(Buffer.from('11:'));
    expect(r.ok ? 'ok' : r.error.code).toBe('RPC_FRAME_TOO_LARGE');
    expect(d.buffered).toBe(0);
  });

  it('a frame exactly at the limit is fine', () => {
    const d = new NetstringDecoder({ maxFrameBytes: 10 });
    const r = d.push(encodeNetstring('x'.repeat(10)));
    expect(r.ok && text(r.frames)).toEqual(['x'.repeat(10)]);
  });

  it('refuses a limit that is not a byte count', () => {
    expect(() => new NetstringDecoder({ maxFrameBytes: -1 })).toThrow(RangeError);
  });

  it('round trip: any payloads, cut into any chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 30 }),
        (payloads, cuts) => {
          const wire = Buffer.concat(payloads.map((p) => encodeNetstring(p)));
          const d = new NetstringDecoder({ maxFrameBytes: 300 });
          const out: Uint8Array[] = [];
          let at = 0;
          let k = 0;
          while (at < wire.length) {
            const size = cuts[k++ % cuts.length] as number;
            const r = d.push(wire.subarray(at, at + size));
            expect(r.ok).toBe(true);
            out.push(...r.frames);
            at += size;
          }
          expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(
            payloads.map((p) => Buffer.from(p).toString('hex')),
          );
          expect(d.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and never holds more than the limit, whatever arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const d = new NetstringDecoder({ maxFrameBytes: 100 });
        for (const c of chunks) {
          const r = d.push(c);
          for (const f of r.frames) expect(f.length).toBeLessThanOrEqual(100);
          expect(d.buffered).toBeLessThanOrEqual(101);
          if (!r.ok) expect(r.error.code).toMatch(/^RPC_/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
