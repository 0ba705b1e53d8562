import { fail, isToken, ok, type Result } from '@sipctx/sip-codec';
import type { JsonObject } from './uri-view.ts';

/*
 * Views of the two scalar codecs of the header table for which the codec exports no structured
 * parser (it only validates them inside parseMessage's strict checks). Both grammars are one line;
 * the regular expressions below have disjoint adjacent classes, so they run in linear time.
 */

const DIGITS = /^[0-9]+$/;
const CSEQ = /^([0-9]+)[ \t]+([^ \t]+)$/;
/** Longest digit run that is still an exact JavaScript number. */
const MAX_DIGITS = 15;

/**
 * 1*DIGIT: Content-Length, Max-Forwards, Expires, Min-Expires, RSeq (RFC 3261 §20.14, §20.22,
 * §20.19, §20.23; RFC 3262 §7.1).
 */
export function intView(value: string): Result<JsonObject> {
  if (!DIGITS.test(value)) return fail('SIP_BAD_HEADER_VALUE', 'digits expected', value, 0);
  if (value.length > MAX_DIGITS) {
    return fail('SIP_BAD_HEADER_VALUE', 'number too large', value, MAX_DIGITS);
  }
  return ok({ value: Number(value) });
}

/** CSeq = "CSeq" HCOLON 1*DIGIT LWS Method   (RFC 3261 §20.16) */
export function cseqView(value: string): Result<JsonObject> {
  const m = CSEQ.exec(value);
  if (m === null) return fail('SIP_BAD_CSEQ', 'CSeq must be a number and a method', value, 0);
  const [, digits, method] = m as unknown as [string, string, string];
  if (digits.length > MAX_DIGITS) return fail('SIP_BAD_CSEQ', 'CSeq number too large', value, 0);
  if (!isToken(method)) {
    return fail('SIP_BAD_CSEQ', 'CSeq method must be a token', value, value.length - method.length);
  }
  return ok({ seq: Number(digits), method });
}
