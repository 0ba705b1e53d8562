import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { policyFail, policyOk, type PolicyResult } from './errors.ts';

/**
 * Sealed header values and signed context references.
 *
 * A sealed value is `s1.<kid>.<iv>.<ciphertext+tag>`: AES-256-GCM (NIST SP 800-38D) with a fresh
 * 96-bit IV, the 128-bit tag after the ciphertext, base64url without padding, so the whole value
 * is a SIP token. The additional data binds the format, the key id and (when given) the header
 * name, so a value moved to another header does not open. Values are sealed with the active key
 * and opened with the key they name: old keys keep opening old values while keys rotate.
 *
 * A context reference is `r1.<kid>.<call-id>.<expires>.<mac>`: the Call-ID in base64url, the
 * expiry in Unix seconds, and the first 128 bits of HMAC-SHA256 over everything before the mac.
 */

export interface Keyring {
  readonly active: string;
  /** Key id → 32-byte key. */
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

export type RandomBytes = (n: number) => Uint8Array;

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAC_BYTES = 16;

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function unb64(text: string): Buffer | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64url');
}

function activeKey(keyring: Keyring): PolicyResult<Uint8Array> {
  const key = keyring.keys.get(keyring.active);
  if (key === undefined || key.length !== 32 || !KID.test(keyring.active)) {
    return policyFail('POLICY_SEAL_UNKNOWN_KEY', `no 32-byte key "${keyring.active}" to seal with`);
  }
  return policyOk(key);
}

function keyFor(keyring: Keyring, kid: string, input: string): PolicyResult<Uint8Array> {
  const key = keyring.keys.get(kid);
  if (key === undefined || key.length !== 32) {
    return policyFail('POLICY_SEAL_UNKNOWN_KEY', `unknown key id "${kid}"`, input, 3);
  }
  return policyOk(key);
}

function aadOf(kid: string, aad: string | undefined): Buffer {
  return Buffer.from(`s1.${kid}${aad === undefined ? '' : `.${aad}`}`, 'utf8');
}

export function sealValue(
  plaintext: string,
  keyring: Keyring,
  random: RandomBytes,
  aad?: string,
): PolicyResult<string> {
  const key = activeKey(keyring);
  if (!key.ok) return key;
  try {
    const iv = random(IV_BYTES);
    if (iv.length !== IV_BYTES)
      return policyFail('POLICY_INTERNAL', 'random source gave a short IV');
    const cipher = createCipheriv('aes-256-gcm', key.value, iv);
    cipher.setAAD(aadOf(keyring.active, aad));
    const ct = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return policyOk(`s1.${keyring.active}.${b64(iv)}.${b64(ct)}`);
  } catch (e) {
    return policyFail('POLICY_INTERNAL', `sealing failed: ${(e as Error).message}`);
  }
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

export function openValue(sealed: string, keyring: Keyring, aad?: string): PolicyResult<string> {
  if (typeof sealed !== 'string') return policyFail('POLICY_SEAL_FORMAT', 'not a sealed value');
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 's1' || !KID.test(parts[1] as string)) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'a sealed value is s1.<kid>.<iv>.<ciphertext>',
      sealed,
      0,
    );
  }
  const [, kid = '', ivText = '', ctText = ''] = parts;
  const iv = unb64(ivText);
  const ct = unb64(ctText);
  if (iv === null || iv.length !== IV_BYTES || ct === null || ct.length < TAG_BYTES) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'bad IV or ciphertext in a sealed value',
      sealed,
      4 + kid.length,
    );
  }
  const key = keyFor(keyring, kid, sealed);
  if (!key.ok) return key;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.value, iv);
    decipher.setAAD(aadOf(kid, aad));
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(ct.subarray(0, ct.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return policyOk(fatalUtf8.decode(plain));
  } catch {
    return policyFail('POLICY_SEAL_AUTH', 'the sealed value does not authenticate', sealed, 0);
  }
}

function mac(key: Uint8Array, signed: string): Buffer {
  return createHmac('sha256', key).update(signed, 'utf8').digest().subarray(0, MAC_BYTES);
}

export function signContextRef(
  callId: string,
  expiresAt: number,
  keyring: Keyring,
): PolicyResult<string> {
  const key = activeKey(keyring);
  if (!key.ok) return key;
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    return policyFail('POLICY_INTERNAL', 'expiry is whole Unix seconds');
  }
  const signed = `r1.${keyring.active}.${b64(Buffer.from(callId, 'utf8'))}.${expiresAt}`;
  return policyOk(`${signed}.${b64(mac(key.value, signed))}`);
}

export function verifyContextRef(
  token: string,
  keyring: Keyring,
  nowSeconds: number,
): PolicyResult<{ callId: string; expiresAt: number; keyId: string }> {
  if (typeof token !== 'string') return policyFail('POLICY_SEAL_FORMAT', 'not a context reference');
  const parts = token.split('.');
  const [tag, kid = '', idText = '', expText = '', macText = ''] = parts;
  if (
    parts.length !== 5 ||
    tag !== 'r1' ||
    !KID.test(kid) ||
    !/^(0|[1-9][0-9]{0,15})$/.test(expText)
  ) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'a context reference is r1.<kid>.<call-id>.<expires>.<mac>',
      token,
      0,
    );
  }
  const id = unb64(idText);
  const given = unb64(macText);
  if (id === null || given === null || given.length !== MAC_BYTES) {
    return policyFail('POLICY_SEAL_FORMAT', 'bad Call-ID or mac in a context reference', token, 0);
  }
  const key = keyFor(keyring, kid, token);
  if (!key.ok) return key;
  const expected = mac(key.value, token.slice(0, token.lastIndexOf('.')));
  if (!timingSafeEqual(expected, given)) {
    return policyFail('POLICY_SEAL_AUTH', 'the context reference does not verify', token, 0);
  }
  let callId: string;
  try {
    callId = fatalUtf8.decode(id);
  } catch {
    return policyFail('POLICY_SEAL_FORMAT', 'the Call-ID is not UTF-8', token, 0);
  }
  const expiresAt = Number(expText);
  if (nowSeconds > expiresAt)
    return policyFail('POLICY_REF_EXPIRED', 'the context reference has expired', token, 0);
  return policyOk({ callId, expiresAt, keyId: kid });
}

/** 32 bytes written as 64 hex digits or as base64 / base64url (43 or 44 characters). */
export function parseKeyMaterial(text: string): PolicyResult<Uint8Array> {
  const t = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9A-Fa-f]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t.replace(/=$/, ''), 'base64url');
  if (bytes === null || bytes.length !== 32) {
    return policyFail(
      'POLICY_INVALID',
      'a key is 32 bytes: 64 hex digits, or 43-44 characters of base64',
      '',
      0,
    );
  }
  return policyOk(new Uint8Array(bytes));
}
