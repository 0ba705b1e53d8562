import { randomBytes } from 'node:crypto';
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
const ring = (active: string): Keyring => ({
  active,
  keys: new Map([
    ['ka', A],
    ['kb', B],
  ]),
});
const zeros = (n: number): Uint8Array => new Uint8Array(n);
const rnd = (n: number): Uint8Array => randomBytes(n);

function seal(text: string, r = ring('ka'), aad?: string): string {
  const s = sealValue(text, r, rnd, aad);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

describe('sealed values', () => {
  it('round trip, as a SIP token', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (text, key) => {
          const r = { active: 'k', keys: new Map([['k', key]]) };
          const s = sealValue(text, r, rnd, 'x-account-id');
          expect(s.ok).toBe(true);
          if (!s.ok) return;
          expect(s.value).toMatch(/^[A-Za-z0-9._-]+$/);
          expect(s.value).not.toContain(text.length > 3 ? text : '\u0000');
          const o = openValue(s.value, r, 'x-account-id');
          expect(o.ok && o.value).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic with an injected random source', () => {
    expect(sealValue('x', ring('ka'), zeros)).toEqual(sealValue('x', ring('ka'), zeros));
  });

  it('rotation: new values use the active key, old ones still open', () => {
    const old = seal('ACC-1', ring('ka'));
    const fresh = seal('ACC-2', ring('kb'));
    expect(fresh.startsWith('s1.kb.')).toBe(true);
    const o = openValue(old, ring('kb'));
    expect(o.ok && o.value).toBe('ACC-1');
  });

  it.each([
    ['wrong prefix', (s: string) => s.replace(/^s1/, 's2'), 'POLICY_SEAL_FORMAT'],
    ['missing part', (s: string) => s.split('.').slice(0, 3).join('.'), 'POLICY_SEAL_FORMAT'],
    ['bad base64', (s: string) => s.replace(/\.([^.]*)$/, '.!!!!'), 'POLICY_SEAL_FORMAT'],
    ['short iv', (s: string) => s.replace(/^(s1\.ka\.)[^.]*/, '$1AAAA'), 'POLICY_SEAL_FORMAT'],
    ['short ciphertext', (s: string) => s.replace(/\.([^.]*)$/, '.AAAA'), 'POLICY_SEAL_FORMAT'],
    ['unknown key', (s: string) => s.replace('s1.ka.', 's1.kz.'), 'POLICY_SEAL_UNKNOWN_KEY'],
    [
      'tampered byte',
      (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.slice(-1),
      'POLICY_SEAL_AUTH',
    ],
  ])('%s', (_, tamper, code) => {
    const r = openValue(tamper(seal('secret')), ring('ka'));
    expect(r.ok ? 'opened' : r.error.code).toBe(code);
  });

  it('a value moved to another header does not open', () => {
    const r = openValue(seal('secret', ring('ka'), 'x-a'), ring('ka'), 'x-b');
    expect(r.ok ? 'opened' : r.error.code).toBe('POLICY_SEAL_AUTH');
  });

  it('sealing needs the active key', () => {
    const r = sealValue('x', { active: 'nope', keys: new Map() }, rnd);
    expect(r.ok ? 'sealed' : r.error.code).toBe('POLICY_SEAL_UNKNOWN_KEY');
  });
});

describe('context references', () => {
  it('sign and verify; expiry; tampering; unknown key', () => {
    const t = signContextRef('a84b4c76e66710@carrier.example.net', 1000, ring('ka'));
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value).toMatch(/^r1\.ka\.[A-Za-z0-9_-]+\.1000\.[A-Za-z0-9_-]{22}$/);
    const v = verifyContextRef(t.value, ring('kb'), 999);
    expect(v.ok && v.value).toEqual({
      callId: 'a84b4c76e66710@carrier.example.net',
      expiresAt: 1000,
      keyId: 'ka',
    });
    const code = (token: string, now = 999) => {
      const r = verifyContextRef(token, ring('ka'), now);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(t.value, 1001)).toBe('POLICY_REF_EXPIRED');
    expect(code(t.value.replace('.1000.', '.9999.'))).toBe('POLICY_SEAL_AUTH');
    expect(code(t.value.replace('r1.ka.', 'r1.kz.'))).toBe('POLICY_SEAL_UNKNOWN_KEY');
    expect(code('r1.ka.x.1.y')).toBe('POLICY_SEAL_FORMAT');
    expect(code('garbage')).toBe('POLICY_SEAL_FORMAT');
  });

  it('never throw on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(openValue(s, ring('ka')).ok).toBe(false);
        expect(verifyContextRef(s, ring('ka'), 0).ok).toBe(false);
      }),
    );
  });
});

describe('parseKeyMaterial', () => {
  it.each([
    ['ab'.repeat(32), true],
    [Buffer.alloc(32, 7).toString('base64'), true],
    [Buffer.alloc(32, 7).toString('base64url'), true],
    ['ab'.repeat(31), false],
    ['short', false],
    [Buffer.alloc(16).toString('base64'), false],
  ])('%s', (text, ok) => {
    const r = parseKeyMaterial(text);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.value.length).toBe(32);
    else expect(r.error.code).toBe('POLICY_INVALID');
  });
});
