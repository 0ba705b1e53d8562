/**
 * RFC 4475 "SIP Torture Test Messages" run through `parseMessage` in strict and tolerant mode.
 *
 * The bytes in test-data/rfc4475/*.dat are the files of the RFC's Appendix A archive, unchanged;
 * test-data/rfc4475/manifest.json says, per file, what each mode must do and why (see
 * test-data/README.md). Accepted messages are also checked against structural facts the RFC text
 * states about them, so "accepted" means "understood", not just "did not fail".
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './message.ts';
import type { SipHeader, SipMessage } from './message-model.ts';

type Expect = 'accept' | 'reject';
type Mode = 'strict' | 'tolerant';

interface TortureCase {
  readonly file: string;
  readonly section: string;
  readonly title: string;
  readonly verdict: 'valid' | 'invalid' | 'app';
  readonly transport?: 'udp' | 'stream';
  readonly strictExpect: Expect;
  readonly tolerantExpect: Expect;
  readonly rfcResponse?: string;
  readonly expectCodes?: readonly string[];
  readonly note: string;
}

interface ModeRow extends TortureCase {
  readonly mode: Mode;
  readonly expected: Expect;
}

const DIR = join(import.meta.dirname, '../test-data/rfc4475');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as TortureCase[];
const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));
const utf8 = new TextDecoder('utf-8', { fatal: false });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const rows: ModeRow[] = manifest.flatMap((c) => [
  { ...c, mode: 'strict' as const, expected: c.strictExpect },
  { ...c, mode: 'tolerant' as const, expected: c.tolerantExpect },
]);

function parse(row: TortureCase, mode: Mode, input: Uint8Array | string = bytesOf(row.file)) {
  return parseMessage(input, {
    strict: mode === 'strict',
    ...(row.transport ? { transport: row.transport } : {}),
  });
}

// --- helpers over the parsed message --------------------------------------------------------

const rowsOf = (m: SipMessage, canonical: string): SipHeader[] =>
  m.headers.filter((h) => h.canonical === canonical);

function one(m: SipMessage, canonical: string): SipHeader {
  const found = rowsOf(m, canonical);
  expect(found, `exactly one ${canonical}`).toHaveLength(1);
  return found[0] as SipHeader;
}

/** The text after `prefix` on the file's line that starts with it: an oracle for long lines. */
function lineAfter(file: string, prefix: string): string {
  const line = utf8
    .decode(bytesOf(file))
    .split('\r\n')
    .find((l) => l.startsWith(prefix));
  expect(line, `a line starting with ${prefix}`).toBeDefined();
  return (line as string).slice(prefix.length);
}

function request(m: SipMessage): Extract<SipMessage, { kind: 'request' }> {
  expect(m.kind).toBe('request');
  return m as Extract<SipMessage, { kind: 'request' }>;
}

function response(m: SipMessage): Extract<SipMessage, { kind: 'response' }> {
  expect(m.kind).toBe('response');
  return m as Extract<SipMessage, { kind: 'response' }>;
}

const bodyText = (m: SipMessage): string => utf8.decode(m.body);

// --- what the RFC says about the accepted messages ------------------------------------------

type Facts = (m: SipMessage, file: string) => void;

const FACTS: Record<string, Facts> = {
  'wsinv.dat': (m) => {
    const r = request(m);
    expect(r.method).toBe('INVITE');
    expect(r.requestUri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(r.version).toBe('SIP/2.0');
    expect(m.headers.map((h) => h.name)).toEqual([
      'TO', 'from', 'MaX-fOrWaRdS', 'Call-ID', 'Content-Length', 'cseq', 'Via', 's',
      'NewFangledHeader', 'UnknownHeaderWithUnusualValue', 'Content-Type', 'Route', 'v', 'm',
    ]); // prettier-ignore
    expect(m.headers.map((h) => h.canonical)).toEqual([
      'To', 'From', 'Max-Forwards', 'Call-ID', 'Content-Length', 'CSeq', 'Via', 'Subject',
      'NewFangledHeader', 'UnknownHeaderWithUnusualValue', 'Content-Type', 'Route', 'Via', 'Contact',
    ]); // prettier-ignore
    expect(one(m, 'To').value).toBe('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    expect(one(m, 'From').value).toBe(
      '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8',
    );
    expect(one(m, 'Max-Forwards').value).toBe('0068');
    expect(one(m, 'CSeq').value).toBe('0009 INVITE');
    // The empty Subject is a header with an empty value, not a missing header.
    expect(one(m, 'Subject').value).toBe('');
    const newFangled = one(m, 'NewFangledHeader');
    expect(newFangled.raw).toBe('   newfangled value\r\n continued newfangled value');
    expect(newFangled.value).toBe('newfangled value continued newfangled value');
    // Unknown header: one opaque value, never split on its commas or semicolons.
    expect(one(m, 'UnknownHeaderWithUnusualValue').values).toEqual([';;,,;;,;']);
    // Two Via rows ("Via" and "v") carrying three via-parms.
    const vias = rowsOf(m, 'Via');
    expect(vias).toHaveLength(2);
    const viaValues = vias.flatMap((h) => h.values);
    expect(viaValues).toHaveLength(3);
    expect(viaValues[0]).toContain('branch=390skdjuw');
    expect(viaValues[1]).toContain('z9hG4bK9ikj8');
    expect(viaValues[2]).toMatch(/z9hG4bK30239$/);
    expect(one(m, 'Contact').values).toHaveLength(1);
    expect(one(m, 'Contact').value).toContain('"Quoted string \\"\\""');
    expect(m.body).toHaveLength(150);
    expect(bodyText(m).startsWith('v=0\r\n')).toBe(true);
    expect(m.discardedBytes).toBe(0);
  },
  'intmeth.dat': (m) => {
    const r = request(m);
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    expect(r.method).toBe(method);
    expect(r.requestUri).toBe(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    );
    // quoted-pairs of BEL, NUL and DEL are kept as written.
    expect(one(m, 'To').value).toContain('"BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007f"');
    expect(one(m, 'From').value).toContain('fromParam\'\'~+*_!.-%="работающий"');
    expect(one(m, 'Call-ID').value).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(one(m, 'CSeq').value).toBe(`139122385 ${method}`);
    expect(one(m, 'Max-Forwards').value).toBe('255');
    // The value starts with U+FEFF: only SP/HTAB are SIP whitespace, nothing else is trimmed.
    expect(one(m, "extensionHeader-!.%*+_`'~").value).toBe('\ufeff大停電');
  },
  'esc01.dat': (m) => {
    expect(request(m).requestUri).toBe('sip:sips%3Auser%40example.com@example.net');
    expect(one(m, 'To').value).toBe('sip:%75se%72@example.com');
    expect(one(m, 'From').value).toBe('<sip:I%20have%20spaces@example.net>;tag=938');
    const contact = one(m, 'Contact');
    expect(contact.raw).toBe(
      '\r\n  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
    );
    expect(contact.value).toBe('<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>');
    expect(one(m, 'Content-Type').name).toBe('C');
    expect(one(m, 'Call-ID').name).toBe('i');
    expect(m.body).toHaveLength(150);
  },
  'escnull.dat': (m) => {
    expect(request(m).method).toBe('REGISTER');
    expect(one(m, 'To').value).toBe('sip:null-%00-null@example.com');
    expect(rowsOf(m, 'Contact').map((h) => h.value)).toEqual([
      '<sip:%00@host5.example.com>',
      '<sip:%00%00@host5.example.com>',
    ]);
    expect(one(m, 'Content-Length').name).toBe('L');
    // %00 stays an escape: no NUL appears anywhere.
    expect(m.headers.some((h) => h.value.includes('\u0000'))).toBe(false);
  },
  'esc02.dat': (m) => {
    expect(request(m).method).toBe('RE%47IST%45R');
    expect(one(m, 'CSeq').value).toBe('29344 RE%47IST%45R');
    expect(one(m, 'To').value).toBe('"%Z%45" <sip:resource@example.com>');
    // C%6Fntact is an unknown header, not a third Contact.
    expect(rowsOf(m, 'Contact').map((h) => h.value)).toEqual([
      '<sip:alias1@host1.example.com>',
      '<sip:alias3@host3.example.com>',
    ]);
    expect(one(m, 'C%6Fntact').name).toBe('C%6Fntact');
  },
  'lwsdisp.dat': (m) => {
    expect(request(m).method).toBe('OPTIONS');
    expect(one(m, 'From').value).toBe('caller<sip:caller@example.com>;tag=323');
  },
  'longreq.dat': (m, file) => {
    expect(one(m, 'To').value).toBe(lineAfter(file, 'To: '));
    expect(one(m, 'From').name).toBe('F');
    expect(one(m, 'From').value).toBe(lineAfter(file, 'F: '));
    expect(one(m, 'Call-ID').value).toBe(lineAfter(file, 'Call-ID: '));
    expect(one(m, 'Contact').value).toBe(lineAfter(file, 'Contact: '));
    const unknownName = `Unknown-${'Long'.repeat(20)}-Name`;
    expect(one(m, unknownName).value).toBe(lineAfter(file, `${unknownName}: `));
    const vias = rowsOf(m, 'Via');
    expect(vias).toHaveLength(34);
    expect(new Set(vias.map((h) => h.name))).toEqual(
      new Set(['Via', 'v', 'V', 'ViA', 'VIa', 'VIA', 'via', 'viA', 'vIa', 'vIA']),
    );
    expect(vias[33]?.value).toBe(`SIP/2.0/TCP host.${lineAfter(file, 'Via: SIP/2.0/TCP host.')}`);
    expect(one(m, 'Content-Length').value).toBe('150');
    expect(m.body).toHaveLength(150);
  },
  'dblreq.dat': (m) => {
    expect(request(m).method).toBe('REGISTER');
    expect(one(m, 'Call-ID').value).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    expect(m.headers).toHaveLength(8);
    expect(m.body).toHaveLength(0);
    // The INVITE after the REGISTER's empty body is discarded, not parsed (RFC 3261 §18.3).
    expect(m.discardedBytes).toBe(450);
  },
  'semiuri.dat': (m) => {
    expect(request(m).requestUri).toBe('sip:user;par=u%40example.net@example.com');
    const accept = one(m, 'Accept');
    expect(accept.value).toBe(
      'application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag',
    );
    expect(accept.values).toHaveLength(6);
  },
  'transports.dat': (m) => {
    expect(rowsOf(m, 'Via')).toHaveLength(5);
    expect(rowsOf(m, 'Via').flatMap((h) => h.values)).toHaveLength(5);
    expect(rowsOf(m, 'Via')[3]?.value).toBe(
      'SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en',
    );
    expect(one(m, 'Call-ID').value).toBe('transports.kijh4akdnaqjkwendsasfdj');
  },
  'mpart01.dat': (m, file) => {
    expect(request(m).method).toBe('MESSAGE');
    const bytes = bytesOf(file);
    const bodyStart = Buffer.from(bytes).indexOf('\r\n\r\n') + 4;
    expect(m.body).toHaveLength(Number(one(m, 'Content-Length').value));
    expect(m.body).toHaveLength(553);
    // Binary body kept byte for byte.
    expect(Buffer.from(m.body).equals(Buffer.from(bytes.subarray(bodyStart)))).toBe(true);
    expect(m.body.some((b) => b > 0x7f)).toBe(true);
  },
  'unreason.dat': (m, file) => {
    const r = response(m);
    expect(r.status).toBe(200);
    expect(r.reason).toBe(lineAfter(file, 'SIP/2.0 200 '));
    expect(r.reason).toContain('= 2**3 * 5**2 но');
    expect(m.body).toHaveLength(154);
  },
  'noreason.dat': (m) => {
    const r = response(m);
    expect(r.status).toBe(100);
    expect(r.reason).toBe('');
  },
  'badbranch.dat': (m) => {
    expect(one(m, 'Via').value).toBe('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK');
  },
  'insuf.dat': (m) => {
    expect(rowsOf(m, 'Call-ID')).toHaveLength(0);
    expect(rowsOf(m, 'From')).toHaveLength(0);
    expect(rowsOf(m, 'To')).toHaveLength(0);
    expect(m.body).toHaveLength(152);
  },
  'unkscm.dat': (m) => {
    expect(request(m).requestUri).toBe('nobodyKnowsThisScheme:totallyopaquecontent');
  },
  'novelsc.dat': (m) => {
    expect(request(m).requestUri).toBe('soap.beep://192.0.2.103:3002');
  },
  'unksm2.dat': (m) => {
    expect(one(m, 'To').value).toBe('isbn:2983792873');
    expect(one(m, 'From').value).toBe('<http://www.example.com>;tag=3234233');
    expect(one(m, 'Contact').value).toBe('<name:John_Smith>');
  },
  'bext01.dat': (m) => {
    expect(one(m, 'Require').values).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
  },
  'invut.dat': (m) => {
    expect(one(m, 'Content-Type').value).toBe('application/unknownformat');
    expect(m.body).toHaveLength(40);
  },
  'regaut01.dat': (m) => {
    expect(one(m, 'Authorization').value).toBe('NoOneKnowsThisScheme opaque-data=here');
    expect(one(m, 'Content-Length').value).toBe('0');
  },
  'multi01.dat': (m) => {
    // Every row kept, in order; deciding what to do with duplicates is the application's job.
    expect(rowsOf(m, 'CSeq').map((h) => h.value)).toEqual(['5 INVITE', '59 INVITE']);
    expect(rowsOf(m, 'Call-ID').map((h) => h.value)).toEqual([
      'multi01.98asdh@192.0.2.1',
      'multi01.98asdh@192.0.2.2',
    ]);
    expect(rowsOf(m, 'To')).toHaveLength(2);
    expect(rowsOf(m, 'From')).toHaveLength(2);
    expect(rowsOf(m, 'Max-Forwards')).toHaveLength(2);
    expect(m.body).toHaveLength(154);
  },
  'bcast.dat': (m) => {
    expect(response(m).status).toBe(200);
    expect(rowsOf(m, 'Via')[1]?.value).toBe('SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23');
  },
  'zeromf.dat': (m) => {
    expect(one(m, 'Max-Forwards').value).toBe('0');
  },
  'cparam01.dat': (m) => {
    expect(one(m, 'Contact').value).toBe('sip:+19725552222@gw1.example.net;unknownparam');
  },
  'cparam02.dat': (m) => {
    expect(one(m, 'Contact').value).toBe('<sip:+19725552222@gw1.example.net;unknownparam>');
  },
  'regescrt.dat': (m) => {
    expect(one(m, 'Contact').name).toBe('M');
    expect(one(m, 'Contact').value).toBe('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>');
  },
  'sdp01.dat': (m) => {
    expect(one(m, 'Accept').value).toBe('text/nobodyKnowsThis');
  },
  'inv2543.dat': (m) => {
    expect(rowsOf(m, 'Content-Length')).toHaveLength(0);
    expect(one(m, 'Via').value).toBe('SIP/2.0/UDP iftgw.example.com');
    // No Content-Length over UDP: the body runs to the end of the datagram.
    expect(m.body).toHaveLength(105);
    expect(m.discardedBytes).toBe(0);
  },
  // Tolerant-mode acceptances: the deviation is ignored, nothing is rewritten or lost.
  'lwsstart.dat': (m) => {
    const r = request(m);
    expect([r.method, r.requestUri, r.version]).toEqual([
      'INVITE',
      'sip:user@example.com',
      'SIP/2.0',
    ]);
  },
  'trws.dat': (m) => {
    const r = request(m);
    expect([r.method, r.requestUri, r.version]).toEqual([
      'OPTIONS',
      'sip:remote-target@example.com',
      'SIP/2.0',
    ]);
  },
  'escruri.dat': (m) => {
    expect(request(m).requestUri).toBe('sip:user@example.com?Route=%3Csip:example.com%3E');
  },
  'baddate.dat': (m) => {
    expect(one(m, 'Date').value).toBe('Fri, 01 Jan 2010 16:00:00 EST');
  },
  'badaspec.dat': (m) => {
    expect(one(m, 'To').value).toBe('"Watson, Thomas" < sip:t.watson@example.org >');
  },
};

/** Facts every accepted message must satisfy, whatever it is. */
function checkInvariants(m: SipMessage): void {
  for (const h of m.headers) {
    expect(h.value, `${h.name} value is unfolded`).not.toMatch(/[\r\n]/);
    expect(h.values.length, `${h.name} has values`).toBeGreaterThan(0);
  }
  const lengths = rowsOf(m, 'Content-Length');
  if (lengths.length === 1) expect(m.body.length).toBe(Number(lengths[0]?.value));
  const offsets = m.headers.map((h) => h.offset);
  expect(offsets, 'header offsets increase').toEqual([...offsets].sort((a, b) => a - b));
}

const describeError = (r: ReturnType<typeof parseMessage>): string =>
  r.ok ? 'parsed' : `${r.error.code} at ${r.error.offset}: ${r.error.message}`;

// --- the tests --------------------------------------------------------------------------------

describe('RFC 4475 torture messages', () => {
  it('has one manifest row per archive file and no row without a file', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.dat'));
    expect(manifest.map((c) => c.file).sort()).toEqual(files.sort());
    expect(manifest).toHaveLength(50);
  });

  it.each(manifest)('$file (§$section) has a consistent manifest row', (c) => {
    // §3.1.1 valid messages are accepted by both modes, §3.1.2 invalid ones rejected by strict.
    if (c.section.startsWith('3.1.1'))
      expect([c.strictExpect, c.tolerantExpect]).toEqual(['accept', 'accept']);
    if (c.section.startsWith('3.1.2')) expect(c.strictExpect).toBe('reject');
    // Tolerant mode never rejects what strict mode accepts.
    if (c.strictExpect === 'accept') expect(c.tolerantExpect).toBe('accept');
    expect(c.note.length).toBeGreaterThan(20);
  });

  it.each(rows)('$file (§$section) $mode: $expected', (row) => {
    const input = bytesOf(row.file);
    const result = parse(row, row.mode, input);
    if (row.expected === 'accept') {
      expect(result.ok, describeError(result)).toBe(true);
      if (!result.ok) return;
      checkInvariants(result.value);
      FACTS[row.file]?.(result.value, row.file);
      return;
    }
    expect(result.ok, `${row.file} must be rejected in ${row.mode} mode`).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toMatch(/^SIP_/);
    expect(result.error.offset).toBeGreaterThanOrEqual(0);
    expect(result.error.offset).toBeLessThanOrEqual(result.error.input.length);
    if (row.expectCodes) expect(row.expectCodes).toContain(result.error.code);
  });

  it.each(rows.filter((r) => isUtf8(bytesOf(r.file))))(
    '$file $mode: a string input gets the same verdict as the bytes',
    (row) => {
      const text = strictUtf8.decode(bytesOf(row.file));
      expect(parse(row, row.mode, text).ok).toBe(row.expected === 'accept');
    },
  );

  it('keeps every file with structural facts in the manifest', () => {
    const files = new Set(manifest.map((c) => c.file));
    expect(Object.keys(FACTS).filter((f) => !files.has(f))).toEqual([]);
  });
});
