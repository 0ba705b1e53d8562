/**
 * Sealed header values and signed context references.
 *
 * A sealed value is `s1.<kid>.<iv>.<ciphertext+tag>`: AES-256-GCM (NIST SP 800-38D) with a fresh
 * 96-bit IV and the 128-bit tag after the ciphertext, in base64url without padding (RFC 4648 §5),
 * so the whole value is a SIP token (RFC 3261 §25.1). The additional data binds the format, the
 * key id and (when given) the header name, so a value moved to another header does not open.
 * Values are sealed with the active key and opened with the key they name: old keys keep opening
 * old values while keys rotate.
 *
 * A context reference is `r1.<kid>.<call-id>.<expires>.<mac>`: the Call-ID in base64url, the
 * expiry in Unix seconds, and the first 128 bits of HMAC-SHA256 (RFC 2104, RFC 4868 §2.6 allows
 * truncation to 128) over everything before the mac.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { policyFail, policyOk, type PolicyResult } from './errors.ts';

export interface Keyring {
  readonly active: string;
  /** Key id (`/^[A-Za-z0-9_-]{1,32}$/`) → 32-byte key. */
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

export type RandomBytes = (n: number) => Uint8Array;

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAC_BYTES = 16;
const LONE_SURROGATE = /\p{Cs}/u;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Canonical unpadded base64url only, so each value has exactly one spelling. */
function unb64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function activeKey(keyring: Keyring): PolicyResult<Uint8Array> {
  const key = keyring.keys.get(keyring.active);
  if (!KID.test(keyring.active) || !(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    return policyFail(
      'POLICY_SEAL_UNKNOWN_KEY',
      `the active key "${keyring.active}" is not a 32-byte key in the keyring`,
    );
  }
  return policyOk(key);
}

function keyFor(keyring: Keyring, kid: string, input: string): PolicyResult<Uint8Array> {
  const key = keyring.keys.get(kid);
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    return policyFail('POLICY_SEAL_UNKNOWN_KEY', `unknown key id "${kid}"`, input, 3);
  }
  return policyOk(key);
}

function aadOf(kid: string, aad: string | undefined): Buffer {
  return Buffer.from(aad === undefined ? `s1.${kid}` : `s1.${kid}.${aad}`, 'utf8');
}

export function sealValue(
  plaintext: string,
  keyring: Keyring,
  random: RandomBytes,
  aad?: string,
): PolicyResult<string> {
  const key = activeKey(keyring);
  if (!key.ok) return key;
  if (LONE_SURROGATE.test(plaintext) || (aad !== undefined && LONE_SURROGATE.test(aad))) {
    // UTF-8 cannot carry a lone surrogate: the value would not open to what was sealed.
    return policyFail('POLICY_INVALID', 'the value to seal is not well-formed Unicode');
  }
  try {
    const iv = random(IV_BYTES);
    if (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES) {
      return policyFail('POLICY_INTERNAL', `the random source did not give ${IV_BYTES} bytes`);
    }
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

export function openValue(sealed: string, keyring: Keyring, aad?: string): PolicyResult<string> {
  if (typeof sealed !== 'string') return policyFail('POLICY_SEAL_FORMAT', 'not a sealed value');
  const parts = sealed.split('.');
  const [tag, kid = '', ivText = '', ctText = ''] = parts;
  if (parts.length !== 4 || tag !== 's1' || !KID.test(kid)) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'a sealed value is s1.<kid>.<iv>.<ciphertext>',
      sealed,
      0,
    );
  }
  const ivAt = 4 + kid.length;
  const iv = unb64(ivText);
  if (iv === null || iv.length !== IV_BYTES) {
    return policyFail('POLICY_SEAL_FORMAT', 'the IV is not 12 bytes of base64url', sealed, ivAt);
  }
  const ct = unb64(ctText);
  if (ct === null || ct.length < TAG_BYTES) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'the ciphertext is not base64url of at least the 16-byte tag',
      sealed,
      ivAt + ivText.length + 1,
    );
  }
  const key = keyFor(keyring, kid, sealed);
  if (!key.ok) return key;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.value, iv, { authTagLength: TAG_BYTES });
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

function mac(key: Uint8Array, signed: string): Buffer | null {
  try {
    return createHmac('sha256', key).update(signed, 'utf8').digest().subarray(0, MAC_BYTES);
  } catch {
    return null;
  }
}

export function signContextRef(
  callId: string,
  expiresAt: number,
  keyring: Keyring,
): PolicyResult<string> {
  const key = activeKey(keyring);
  if (!key.ok) return key;
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    return policyFail('POLICY_INVALID', `the expiry ${expiresAt} is not whole Unix seconds`);
  }
  if (LONE_SURROGATE.test(callId)) {
    return policyFail('POLICY_INVALID', 'the Call-ID is not well-formed Unicode', callId, 0);
  }
  const signed = `r1.${keyring.active}.${b64(Buffer.from(callId, 'utf8'))}.${expiresAt}`;
  const m = mac(key.value, signed);
  if (m === null) return policyFail('POLICY_INTERNAL', 'HMAC-SHA256 is not available');
  return policyOk(`${signed}.${b64(m)}`);
}

export function verifyContextRef(
  token: string,
  keyring: Keyring,
  nowSeconds: number,
): PolicyResult<{ callId: string; expiresAt: number; keyId: string }> {
  if (typeof token !== 'string') return policyFail('POLICY_SEAL_FORMAT', 'not a context reference');
  const parts = token.split('.');
  const [tag, kid = '', idText = '', expText = '', macText = ''] = parts;
  if (parts.length !== 5 || tag !== 'r1' || !KID.test(kid)) {
    return policyFail(
      'POLICY_SEAL_FORMAT',
      'a context reference is r1.<kid>.<call-id>.<expires>.<mac>',
      token,
      0,
    );
  }
  const idAt = 4 + kid.length;
  const expAt = idAt + idText.length + 1;
  const macAt = token.lastIndexOf('.') + 1;
  const id = unb64(idText);
  if (id === null) {
    return policyFail('POLICY_SEAL_FORMAT', 'the Call-ID is not base64url', token, idAt);
  }
  const expiresAt = Number(expText);
  if (!/^(0|[1-9][0-9]*)$/.test(expText) || !Number.isSafeInteger(expiresAt)) {
    return policyFail('POLICY_SEAL_FORMAT', 'the expiry is not whole Unix seconds', token, expAt);
  }
  const given = unb64(macText);
  if (given === null || given.length !== MAC_BYTES) {
    return policyFail('POLICY_SEAL_FORMAT', 'the mac is not 16 bytes of base64url', token, macAt);
  }
  const key = keyFor(keyring, kid, token);
  if (!key.ok) return key;
  const expected = mac(key.value, token.slice(0, macAt - 1));
  if (expected === null || !timingSafeEqual(expected, given)) {
    return policyFail('POLICY_SEAL_AUTH', 'the context reference does not verify', token, macAt);
  }
  let callId: string;
  try {
    callId = fatalUtf8.decode(id);
  } catch {
    return policyFail('POLICY_SEAL_AUTH', 'the signed Call-ID is not UTF-8', token, idAt);
  }
  if (!(nowSeconds <= expiresAt)) {
    return policyFail('POLICY_REF_EXPIRED', 'the context reference has expired', token, expAt);
  }
  return policyOk({ callId, expiresAt, keyId: kid });
}

/**
 * A 32-byte key written as 64 hex digits or as base64 / base64url (43 characters, or 44 ending in
 * `=`). Surrounding white space, as a key file's final newline, is ignored. The text is a secret,
 * so errors never repeat it.
 */
export function parseKeyMaterial(text: string): PolicyResult<Uint8Array> {
  const t = typeof text === 'string' ? text.trim() : '';
  let bytes: Buffer | null = null;
  if (/^[0-9A-Fa-f]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(t) || /^[A-Za-z0-9_-]{43}$/.test(t)) {
    const url = t.replace(/=$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    bytes = unb64(url);
  }
  if (bytes === null || bytes.length !== KEY_BYTES) {
    return policyFail(
      'POLICY_INVALID',
      `a key is 32 bytes written as 64 hex digits or as base64 / base64url (43 characters, or 44 ending in "="); got ${t.length} characters`,
    );
  }
  return policyOk(new Uint8Array(bytes));
}
