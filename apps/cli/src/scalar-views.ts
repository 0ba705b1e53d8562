import { fail, ok, parseCSeq, type Result } from '@sipctx/sip-codec';
import type { JsonObject } from './uri-view.ts';

/*
 * Views of the scalar codecs of the header table. CSeq is read by the codec's parseCSeq; the
 * integer headers are one `1*DIGIT` rule, checked here with a linear regular expression.
 */

const DIGITS = /^[0-9]+$/;
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

/** CSeq = "CSeq" HCOLON 1*DIGIT LWS Method   (RFC 3261 §20.16), read by the codec. */
export function cseqView(value: string): Result<JsonObject> {
  const cseq = parseCSeq(value);
  return cseq.ok ? ok({ seq: cseq.value.seq, method: cseq.value.method }) : cseq;
}
