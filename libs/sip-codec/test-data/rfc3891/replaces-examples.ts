/**
 * Replaces header values from RFC 3891 (§1 overview flow, §6.1 examples). Values are the part after
 * "Replaces:"; folded lines of the RFC are joined with a space.
 */
export interface ReplacesExample {
  readonly value: string;
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
}

export const RFC3891_REPLACES_EXAMPLES: readonly ReplacesExample[] = [
  // §1, the INVITE sent after the attended-transfer REFER
  {
    value: '425928@bobster.example.org;to-tag=7743;from-tag=6472',
    callId: '425928@bobster.example.org',
    toTag: '7743',
    fromTag: '6472',
    earlyOnly: false,
  },
  // §6.1 examples
  {
    value: '98732@sip.example.com ;from-tag=r33th4x0r ;to-tag=ff87ff',
    callId: '98732@sip.example.com',
    toTag: 'ff87ff',
    fromTag: 'r33th4x0r',
    earlyOnly: false,
  },
  {
    value: '12adf2f34456gs5;to-tag=12345;from-tag=54321;early-only',
    callId: '12adf2f34456gs5',
    toTag: '12345',
    fromTag: '54321',
    earlyOnly: true,
  },
  {
    value: '87134@171.161.34.23;to-tag=24796;from-tag=0',
    callId: '87134@171.161.34.23',
    toTag: '24796',
    fromTag: '0',
    earlyOnly: false,
  },
];
