import { fail, ok, type Result } from './errors.ts';
import { unescapeUri } from './escape.ts';
import { isTelNumber } from './tel-uri.ts';
import { isSipUri, isTelUri, type Uri } from './uri-model.ts';

/**
 * E.164 helpers. A normalised number is "+" and 1 to 15 digits (ITU-T E.164 §6), the form voice-AI
 * platforms compare caller and callee numbers in.
 */

/** visual-separator = "-" / "." / "(" / ")"   (RFC 3966 §3); spaces too, as people write them. */
export function stripVisualSeparators(number: string): string {
  return number.replace(/[-.() \t]/g, '');
}

export interface E164Options {
  /** Country code (digits, no "+") for national numbers such as `(206) 555-1234` or `0206…`. */
  readonly defaultCountryCode?: string;
  /** International call prefix to replace by "+", `00` by default (`011` in North America). */
  readonly internationalPrefix?: string;
  /** National trunk prefix dropped before the country code is added, `0` by default. */
  readonly trunkPrefix?: string;
}

/**
 * Normalises a written number to `+<digits>`: `+1 (206) 555-1234`, `0012065551234` (international
 * prefix), `2065551234` or `0206…` with a default country code. Anything else is SIP_BAD_NUMBER.
 */
export function normalizeE164(input: string, options: E164Options = {}): Result<string> {
  const stripped = stripVisualSeparators(input);
  const intl = options.internationalPrefix ?? '00';
  const trunk = options.trunkPrefix ?? '0';
  let digits: string;
  if (stripped.startsWith('+')) digits = stripped.slice(1);
  else if (intl !== '' && stripped.startsWith(intl)) digits = stripped.slice(intl.length);
  else if (options.defaultCountryCode !== undefined) {
    const national =
      trunk !== '' && stripped.startsWith(trunk) ? stripped.slice(trunk.length) : stripped;
    digits = options.defaultCountryCode + national;
  } else {
    return fail(
      'SIP_BAD_NUMBER',
      'not an international number and no default country code',
      input,
      0,
    );
  }
  if (!/^[0-9]{1,15}$/.test(digits) || digits.startsWith('0')) {
    return fail(
      'SIP_BAD_NUMBER',
      'an E.164 number is 1 to 15 digits after "+", not starting with 0',
      input,
      0,
    );
  }
  return ok('+' + digits);
}

export interface UriNumber {
  /** The number as written, escapes decoded, parameters such as `;isub=` removed. */
  readonly number: string;
  readonly global: boolean;
  /** Where it came from: a tel URI, a sip user marked `user=phone`, or a sip user that looks like one. */
  readonly source: 'tel' | 'user=phone' | 'user';
}

const PHONE_LIKE = /^\+?[0-9][0-9\-.()]*$/;

/**
 * The telephone number a URI designates, or null: a tel URI's number; a sip/sips URI's user part
 * when it is a telephone-subscriber (`user=phone`, RFC 3261 §19.1.1, with its own parameters such
 * as `;isub=` or `;phone-context=` removed) or when it simply looks like a number.
 */
export function numberFromUri(uri: Uri): UriNumber | null {
  if (isTelUri(uri)) return { number: uri.number, global: uri.global, source: 'tel' };
  if (!isSipUri(uri) || uri.user === null) return null;
  const decoded = unescapeUri(uri.user);
  if (!decoded.ok) return null;
  const number = decoded.value.split(';')[0] as string;
  const global = number.startsWith('+');
  const userPhone = uri.params.some(
    (p) => p.name.toLowerCase() === 'user' && p.value?.toLowerCase() === 'phone',
  );
  // With user=phone the user part is a telephone-subscriber: local numbers may hold "*", "#" and
  // hex digits (`*67`). Without it, only digits and visual separators count as a number, so that
  // user names such as `cafe` or `bob` are not taken for one.
  if (userPhone) return isTelNumber(number) ? { number, global, source: 'user=phone' } : null;
  return PHONE_LIKE.test(number) ? { number, global, source: 'user' } : null;
}
