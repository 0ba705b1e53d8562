/** SIP messages used by the CLI's tests, built line by line so the CRLFs are explicit. */
const CRLF = '\r\n';

export function message(lines: readonly string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join(CRLF);
}

export const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 4000 RTP/AVP 0',
  '',
].join(CRLF);

/** A carrier INVITE diverted twice, with a custom X-Diversion and a compact To. */
export const INVITE_LINES: readonly string[] = [
  'INVITE sip:+12065551234@voice.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-876543',
  'Max-Forwards: 69',
  'From: "Caller, Jane" <sip:+14155550199@caller.net>;tag=9fxced76sl',
  't: <sip:+12065551234@voice.example.com>',
  'Call-ID: 3848276298220188511@caller.net',
  'CSeq: 1 INVITE',
  'Diversion: <sip:+15559876543@acmebank.example>;reason=unconditional;counter=1;privacy=off,',
  ' <sip:+12065550100@pbx.example>;reason=no-answer',
  'X-GA-taskName: billing',
  'Contact: <sip:+14155550199@203.0.113.5:5060;transport=udp>',
  'Content-Type: application/sdp',
];

export const INVITE = message(INVITE_LINES, SDP);

/** A REFER for an attended transfer: Refer-To with an embedded Replaces, and Referred-By. */
export const REFER = message([
  'REFER sip:agent@voice.example.com SIP/2.0',
  'Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds8',
  'Max-Forwards: 70',
  'From: <sip:agent@voice.example.com>;tag=1928301774',
  'To: <sip:caller@caller.net>;tag=a6c85cf',
  'Call-ID: a84b4c76e66710@voice.example.com',
  'CSeq: 314159 REFER',
  'Refer-To: <sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>',
  'Referred-By: <sip:agent@voice.example.com>;cid="20398823.2UWQFN309shb3@voice.example.com"',
  'Reason: Q.850;cause=16;text="Normal call clearing"',
  'User-to-User: 56a390f3d2b7310023a2;encoding=hex;purpose=isdn-uui',
  'Contact: <sip:agent@192.0.2.4>',
]);

export const RESPONSE = message([
  'SIP/2.0 486 Busy Here',
  'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-876543',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>;tag=2',
  'Call-ID: x@example.com',
  'CSeq: 1 INVITE',
  'Reason: SIP;cause=486;text="Busy Here"',
]);
