/**
 * Reason header values from RFC 3326 §2 (examples), with what they mean. Values are the part after
 * "Reason:".
 */
export interface ReasonExample {
  readonly value: string;
  readonly protocol: string;
  readonly cause: number;
  readonly text: string;
}

export const RFC3326_REASON_EXAMPLES: readonly ReasonExample[] = [
  {
    value: 'SIP ;cause=200 ;text="Call completed elsewhere"',
    protocol: 'SIP',
    cause: 200,
    text: 'Call completed elsewhere',
  },
  { value: 'Q.850 ;cause=16 ;text="Terminated"', protocol: 'Q.850', cause: 16, text: 'Terminated' },
  {
    value: 'SIP ;cause=600 ;text="Busy Everywhere"',
    protocol: 'SIP',
    cause: 600,
    text: 'Busy Everywhere',
  },
  {
    value: 'SIP ;cause=580 ;text="Precondition Failure"',
    protocol: 'SIP',
    cause: 580,
    text: 'Precondition Failure',
  },
];
