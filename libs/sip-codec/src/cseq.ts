import { isDigit, scanToken, skipSws } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';

export interface CSeq {
  readonly seq: number;
  /** The method as written (methods are case-sensitive). */
  readonly method: string;
}

/** RFC 3261 §8.1.1.5: the sequence number "MUST be expressible as a 32-bit unsigned integer and MUST be less than 2**31". */
export const CSEQ_MAX = 2 ** 31 - 1;

/** CSeq = "CSeq" HCOLON 1*DIGIT LWS Method   (RFC 3261 §20.16) */
export function parseCSeq(value: string): Result<CSeq> {
  let end = 0;
  while (isDigit(value.charCodeAt(end))) end++;
  // Past 10 digits the number is over CSEQ_MAX whatever they are; don't build a huge number.
  const seq = end === 0 ? -1 : end > 10 ? Infinity : Number(value.slice(0, end));
  if (seq < 0 || seq > CSEQ_MAX) {
    return fail('SIP_BAD_CSEQ', 'CSeq number must be 0 to 2^31-1', value, 0);
  }
  const methodStart = skipSws(value, end);
  const methodEnd = scanToken(value, methodStart);
  if (methodStart === end || methodEnd === methodStart || methodEnd !== value.length) {
    return fail(
      'SIP_BAD_CSEQ',
      'CSeq must be a number and a method',
      value,
      methodStart === end ? end : methodEnd,
    );
  }
  return ok({ seq, method: value.slice(methodStart, methodEnd) });
}
