/**
 * Refer-To values from RFC 3515 §2.1 (examples; the RFC folds two of them over two lines, joined
 * here), an attended-transfer Refer-To whose Replaces has from-tag first (RFC 5589 style), RFC 3261
 * §19.1.1 style headers, and the Referred-By examples of RFC 3892 §3.
 */
export interface ReferToExample {
  readonly value: string;
  readonly embeddedHeaders: readonly { name: string; value: string }[];
  readonly method: string | null;
  readonly replaces: { callId: string; toTag: string; fromTag: string } | null;
}

export const RFC3515_REFER_TO_EXAMPLES: readonly ReferToExample[] = [
  { value: 'sip:alice@atlanta.example.com', embeddedHeaders: [], method: null, replaces: null },
  {
    value:
      '<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>',
    embeddedHeaders: [
      { name: 'Replaces', value: '12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994' },
    ],
    method: null,
    replaces: { callId: '12345@192.168.118.3', toTag: '12345', fromTag: '5FFE-3994' },
  },
  {
    value: '<sip:carol@cleveland.example.org;method=SUBSCRIBE>',
    embeddedHeaders: [],
    method: 'SUBSCRIBE',
    replaces: null,
  },
  { value: 'http://www.ietf.org', embeddedHeaders: [], method: null, replaces: null },
  {
    value:
      '<sips:a8342043f@atlanta.example.com?Replaces=12345601%40atlanta.example.com%3Bfrom-tag%3D314159%3Bto-tag%3D1234567>',
    embeddedHeaders: [
      { name: 'Replaces', value: '12345601@atlanta.example.com;from-tag=314159;to-tag=1234567' },
    ],
    method: null,
    replaces: { callId: '12345601@atlanta.example.com', toTag: '1234567', fromTag: '314159' },
  },
  // RFC 3261 §19.1.3 SIP URI examples carrying headers, put in angle brackets as Refer-To needs.
  {
    value: '<sip:alice@atlanta.com?subject=project%20x&priority=urgent>',
    embeddedHeaders: [
      { name: 'subject', value: 'project x' },
      { name: 'priority', value: 'urgent' },
    ],
    method: null,
    replaces: null,
  },
  {
    value: '<sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com>',
    embeddedHeaders: [{ name: 'to', value: 'alice@atlanta.com' }],
    method: 'REGISTER',
    replaces: null,
  },
];

/**
 * RFC 3515 §2.1's second example. Its "&Call-ID%3D55432%40alicepc.atlanta.example.com" has no "="
 * (the "=" is escaped), so by RFC 3261's `header = hname "=" hvalue` it is not a valid header.
 */
export const RFC3515_ACCEPT_CONTACT_EXAMPLE =
  '<sip:bob@biloxi.example.net?Accept-Contact=sip:bobsdesk.biloxi.example.net&Call-ID%3D55432%40alicepc.atlanta.example.com>';

/** Referred-By values of RFC 3892 §3, with their cid. */
export const RFC3892_REFERRED_BY_EXAMPLES: readonly { value: string; cid: string }[] = [
  { value: 'sip:r@ref.example;cid="2UWQFN309shb3@ref.example"', cid: '2UWQFN309shb3@ref.example' },
  {
    value: '<sip:referrer@referrer.example>;cid="20398823.2UWQFN309shb3@referrer.example"',
    cid: '20398823.2UWQFN309shb3@referrer.example',
  },
];
