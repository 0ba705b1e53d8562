import { createDecipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  openValue,
  parseKeyMaterial,
  sealValue,
  signContextRef,
  verifyContextRef,
  type Keyring,
} from './sealing.ts';

const A = new Uint8Array(32).fill(1);
const B = new Uint8Array(32).fill(2);
const ring = (active: string, extra: [string, Uint8Array][] = []): Keyring => ({
  active,
  keys: new Map([['ka', A], ['kb', B], ...extra]),
});
const rnd = (n: number): Uint8Array => randomBytes(n);
const fixed = (n: number): Uint8Array => new Uint8Array(n).fill(7);
const TOKEN = /^[A-Za-z0-9._-]+$/;
const kidArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const code = (r: { ok: boolean; error?: { code: string } }): string =>
  r.ok ? 'ok' : (r.error?.code ?? '?');

function seal(text: string, r = ring('ka'), aad?: string): string {
  const s = sealValue(text, r, rnd, aad);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

function sign(callId: string, expiresAt: number, r = ring('ka')): string {
  const t = signContextRef(callId, expiresAt, r);
  if (!t.ok) throw new Error(t.error.message);
  return t.value;
}

/** Flip one bit of the decoded bytes of dot-separated part `part`, re-encoded canonically. */
function flip(value: string, part: number, byte: number): string {
  const parts = value.split('.');
  const bytes = Buffer.from(parts[part] as string, 'base64url');
  const i = ((byte % bytes.length) + bytes.length) % bytes.length;
  bytes[i] = (bytes[i] as number) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

function setPart(value: string, part: number, text: string): string {
  const parts = value.split('.');
  parts[part] = text;
  return parts.join('.');
}

describe('sealed values', () => {
  it('round trip, as a SIP token, with the documented layout', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        keyArb,
        kidArb,
        fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        (text, key, kid, aad) => {
          const r: Keyring = { active: kid, keys: new Map([[kid, key]]) };
          const s = sealValue(text, r, rnd, aad);
          expect(s.ok).toBe(true);
          if (!s.ok) return;
          expect(s.value).toMatch(TOKEN);
          const [tag, k, iv = '', ct = ''] = s.value.split('.');
          expect([tag, k]).toEqual(['s1', kid]);
          expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
          expect(Buffer.from(ct, 'base64url')).toHaveLength(Buffer.byteLength(text) + 16);
          const o = openValue(s.value, r, aad);
          expect(o.ok && o.value).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is AES-256-GCM with the tag last and s1.<kid>.<aad> as additional data', () => {
    const s = sealValue('ACC-42', ring('ka'), fixed, 'x-account-id');
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const [, , iv = '', ct = ''] = s.value.split('.');
    expect(iv).toBe(Buffer.from(fixed(12)).toString('base64url'));
    const raw = Buffer.from(ct, 'base64url');
    const d = createDecipheriv('aes-256-gcm', A, fixed(12));
    d.setAAD(Buffer.from('s1.ka.x-account-id'));
    d.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]);
    expect(plain.toString('utf8')).toBe('ACC-42');
  });

  it('is deterministic with an injected random source, and only then', () => {
    const one = sealValue('x', ring('ka'), fixed);
    expect(one).toEqual(sealValue('x', ring('ka'), fixed));
    expect(one).not.toEqual(sealValue('x', ring('ka'), rnd));
    expect(one).not.toEqual(sealValue('x', ring('ka'), fixed, 'h'));
  });

  it('rotation: new values use the active key, old ones still open', () => {
    const old = seal('ACC-1', ring('ka'));
    const fresh = seal('ACC-2', ring('kb'));
    expect(old.startsWith('s1.ka.')).toBe(true);
    expect(fresh.startsWith('s1.kb.')).toBe(true);
    const o = openValue(old, ring('kb'));
    expect(o.ok && o.value).toBe('ACC-1');
    const f = openValue(fresh, ring('ka'));
    expect(f.ok && f.value).toBe('ACC-2');
    const retired = openValue(old, { active: 'kb', keys: new Map([['kb', B]]) });
    expect(code(retired)).toBe('POLICY_SEAL_UNKNOWN_KEY');
  });

  it.each([
    ['wrong prefix', (s: string) => setPart(s, 0, 's2'), 'POLICY_SEAL_FORMAT'],
    ['missing part', (s: string) => s.split('.').slice(0, 3).join('.'), 'POLICY_SEAL_FORMAT'],
    ['extra part', (s: string) => `${s}.AAAA`, 'POLICY_SEAL_FORMAT'],
    ['bad key id', (s: string) => setPart(s, 1, 'k+a'), 'POLICY_SEAL_FORMAT'],
    ['bad base64', (s: string) => setPart(s, 3, '!!!!'), 'POLICY_SEAL_FORMAT'],
    ['padded base64', (s: string) => setPart(s, 2, `${s.split('.')[2]}=`), 'POLICY_SEAL_FORMAT'],
    [
      'non-canonical base64',
      (s: string) => setPart(s, 3, 'A'.repeat(21) + 'B'),
      'POLICY_SEAL_FORMAT',
    ],
    ['short iv', (s: string) => setPart(s, 2, 'AAAA'), 'POLICY_SEAL_FORMAT'],
    ['long iv', (s: string) => setPart(s, 2, 'A'.repeat(24)), 'POLICY_SEAL_FORMAT'],
    ['shorter than the tag', (s: string) => setPart(s, 3, 'A'.repeat(20)), 'POLICY_SEAL_FORMAT'],
    ['unknown key', (s: string) => setPart(s, 1, 'kz'), 'POLICY_SEAL_UNKNOWN_KEY'],
    ['another key', (s: string) => setPart(s, 1, 'kb'), 'POLICY_SEAL_AUTH'],
    ['iv bit', (s: string) => flip(s, 2, 0), 'POLICY_SEAL_AUTH'],
    ['ciphertext bit', (s: string) => flip(s, 3, 0), 'POLICY_SEAL_AUTH'],
    ['tag bit', (s: string) => flip(s, 3, -1), 'POLICY_SEAL_AUTH'],
    ['tag only', (s: string) => setPart(s, 3, 'A'.repeat(22)), 'POLICY_SEAL_AUTH'],
    ['untouched', (s: string) => s, 'ok'],
  ])('%s', (_, tamper, expected) => {
    expect(code(openValue(tamper(seal('secret')), ring('ka')))).toBe(expected);
  });

  it.each([
    ['x-a', 'x-b'],
    ['x-a', undefined],
    [undefined, 'x-a'],
    [undefined, ''],
  ])('sealed for %j does not open for %j', (sealedFor, openedFor) => {
    expect(code(openValue(seal('secret', ring('ka'), sealedFor), ring('ka'), openedFor))).toBe(
      'POLICY_SEAL_AUTH',
    );
  });

  it.each([
    ['no active key', { active: 'nope', keys: new Map() }, 'POLICY_SEAL_UNKNOWN_KEY'],
    ['a short active key', ring('k31', [['k31', new Uint8Array(31)]]), 'POLICY_SEAL_UNKNOWN_KEY'],
    ['a bad active id', ring('k.a', [['k.a', A]]), 'POLICY_SEAL_UNKNOWN_KEY'],
  ] as const)('sealing and signing refuse %s', (_, r, expected) => {
    expect(code(sealValue('x', r, rnd))).toBe(expected);
    expect(code(signContextRef('x', 1, r))).toBe(expected);
  });

  it.each([
    ['a short IV', () => new Uint8Array(4), 'POLICY_INTERNAL'],
    [
      'a throwing source',
      () => {
        throw new Error('no entropy');
      },
      'POLICY_INTERNAL',
    ],
  ])('refuses %s from the random source', (_, random, expected) => {
    expect(code(sealValue('x', ring('ka'), random))).toBe(expected);
  });

  it('refuses a lone surrogate, which UTF-8 cannot carry', () => {
    expect(code(sealValue('a\uD800b', ring('ka'), rnd))).toBe('POLICY_INVALID');
    expect(code(sealValue('😀', ring('ka'), rnd))).toBe('ok');
  });

  it('never throws, and any one-character change is refused', () => {
    const good = seal('secret', ring('ka'), 'h');
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.constantFrom(...'AZaz09-_.=+/ %'), (s, at, ch) => {
        expect(openValue(s, ring('ka')).ok).toBe(false);
        const i = at % good.length;
        const changed = good.slice(0, i) + ch + good.slice(i + 1);
        expect(openValue(changed, ring('ka'), 'h').ok).toBe(changed === good);
      }),
      { numRuns: 500 },
    );
  });
});

describe('context references', () => {
  const CALL = 'a84b4c76e66710@carrier.example.net';

  it('sign and verify, across rotation', () => {
    const t = sign(CALL, 1000);
    expect(t).toMatch(/^r1\.ka\.[A-Za-z0-9_-]+\.1000\.[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(t.split('.')[2] as string, 'base64url').toString()).toBe(CALL);
    const v = verifyContextRef(t, ring('kb'), 1000);
    expect(v.ok && v.value).toEqual({ callId: CALL, expiresAt: 1000, keyId: 'ka' });
  });

  it('round trip property', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.nat(),
        keyArb,
        kidArb,
        (callId, exp, key, kid) => {
          const r: Keyring = { active: kid, keys: new Map([[kid, key]]) };
          const t = signContextRef(callId, exp, r);
          expect(t.ok && t.value).toMatch(TOKEN);
          const v = t.ok ? verifyContextRef(t.value, r, exp) : t;
          expect(v.ok && v.value).toEqual({ callId, expiresAt: exp, keyId: kid });
        },
      ),
      { numRuns: 300 },
    );
  });

  const t = sign(CALL, 1000);
  it.each([
    ['untouched', t, 999, 'ok'],
    ['at the expiry second', t, 1000, 'ok'],
    ['expired', t, 1001, 'POLICY_REF_EXPIRED'],
    ['no clock', t, NaN, 'POLICY_REF_EXPIRED'],
    ['later expiry', t.replace('.1000.', '.9999.'), 999, 'POLICY_SEAL_AUTH'],
    [
      'other Call-ID',
      setPart(t, 2, Buffer.from('x@y').toString('base64url')),
      0,
      'POLICY_SEAL_AUTH',
    ],
    ['mac bit', flip(t, 4, 3), 0, 'POLICY_SEAL_AUTH'],
    ['expired and forged', flip(t, 4, 3), 5000, 'POLICY_SEAL_AUTH'],
    ['another key', setPart(t, 1, 'kb'), 0, 'POLICY_SEAL_AUTH'],
    ['unknown key', setPart(t, 1, 'kz'), 0, 'POLICY_SEAL_UNKNOWN_KEY'],
    ['short mac', setPart(t, 4, 'AAAA'), 0, 'POLICY_SEAL_FORMAT'],
    ['fractional expiry', t.replace('.1000.', '.10.5.'), 0, 'POLICY_SEAL_FORMAT'],
    ['exponent expiry', t.replace('.1000.', '.1e3.'), 0, 'POLICY_SEAL_FORMAT'],
    ['negative expiry', t.replace('.1000.', '.-1.'), 0, 'POLICY_SEAL_FORMAT'],
    ['leading zero', t.replace('.1000.', '.01000.'), 0, 'POLICY_SEAL_FORMAT'],
    ['huge expiry', t.replace('.1000.', '.99999999999999999999.'), 0, 'POLICY_SEAL_FORMAT'],
    ['bad Call-ID base64', setPart(t, 2, 'a+b'), 0, 'POLICY_SEAL_FORMAT'],
    ['sealed value', seal('x'), 0, 'POLICY_SEAL_FORMAT'],
    ['garbage', 'garbage', 0, 'POLICY_SEAL_FORMAT'],
    ['empty', '', 0, 'POLICY_SEAL_FORMAT'],
  ])('%s', (_, token, now, expected) => {
    expect(code(verifyContextRef(token, ring('ka'), now))).toBe(expected);
  });

  it.each([1.5, -1, NaN, Infinity, 2 ** 53])('refuses to sign expiry %d', (exp) => {
    expect(code(signContextRef(CALL, exp, ring('ka')))).toBe('POLICY_INVALID');
  });

  it('never throws, and any one-character change is refused', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.constantFrom(...'AZaz09-_.=+/ %'), (s, at, ch) => {
        expect(verifyContextRef(s, ring('ka'), 0).ok).toBe(false);
        const i = at % t.length;
        const changed = t.slice(0, i) + ch + t.slice(i + 1);
        expect(verifyContextRef(changed, ring('ka'), 0).ok).toBe(changed === t);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseKeyMaterial', () => {
  const k = Buffer.alloc(32, 0xfb);
  it.each([
    ['hex', k.toString('hex'), true],
    ['upper-case hex', k.toString('hex').toUpperCase(), true],
    ['base64', k.toString('base64'), true],
    ['base64 without padding', k.toString('base64').slice(0, 43), true],
    ['base64url', k.toString('base64url'), true],
    ['with a newline', `${k.toString('hex')}\n`, true],
    ['31 bytes of hex', k.toString('hex').slice(2), false],
    ['65 hex digits', `${k.toString('hex')}0`, false],
    ['16 bytes of base64', Buffer.alloc(16).toString('base64'), false],
    ['33 bytes of base64', Buffer.alloc(33).toString('base64'), false],
    ['mixed alphabets', `+_${k.toString('base64url').slice(2)}`, false],
    ['44 characters without =', `${k.toString('base64url')}A`, false],
    ['non-canonical last character', `${k.toString('base64url').slice(0, 42)}9`, false],
    ['empty', '', false],
    ['short', 'short', false],
  ])('%s', (_, text, ok) => {
    const r = parseKeyMaterial(text);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(Buffer.from(r.value).equals(k)).toBe(true);
    else {
      expect(r.error.code).toBe('POLICY_INVALID');
      expect(r.error.message).toMatch(/64 hex digits.*base64/);
      if (text.length > 8) expect(r.error.message).not.toContain(text.trim().slice(0, 8));
    }
  });
});
