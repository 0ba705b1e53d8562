import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  diversionEntryView,
  parseDiversion,
  serializeDiversion,
  type DiversionEntry,
} from './diversion.ts';
import {
  historyInfoEntryView,
  nextHistoryInfoIndex,
  parseHistoryInfo,
  parseIndex,
  serializeHistoryInfo,
  validateHistoryInfoIndices,
  type HistoryInfoEntry,
} from './history-info.ts';
import {
  causeToReason,
  diversionToHistoryInfo,
  historyInfoRowsToDiversion,
  historyInfoToDiversion,
  reasonToCause,
} from './rfc7544.ts';

function hi(rows: string | string[], strict = true): HistoryInfoEntry[] {
  const r = parseHistoryInfo(rows, { strict });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function div(rows: string | string[]): DiversionEntry[] {
  const r = parseDiversion(rows, { strict: true });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

// The chain of RFC 7544 §7 (as corrected by the RFC 6044 errata it folds in): user1 diverted on
// no-answer, user2 on user-busy (with privacy), user3 unconditionally, to the last target.
const DIVERSION = [
  '<sip:diverting_user3_address@example.com>;reason=unconditional;counter=1;privacy=off',
  '<sip:diverting_user2_address@example.com>;reason=user-busy;counter=1;privacy=full',
  '<sip:diverting_user1_address@example.com>;reason=no-answer;counter=1;privacy=off',
];
const HISTORY_INFO = [
  '<sip:diverting_user1_address@example.com?Privacy=none>;index=1',
  '<sip:diverting_user2_address@example.com;cause=408?Privacy=history>;index=1.1;mp=1',
  '<sip:diverting_user3_address@example.com;cause=486?Privacy=none>;index=1.1.1;mp=1.1',
  '<sip:last_diverting_target@example.com;cause=302>;index=1.1.1.1;mp=1.1.1',
];

describe('parseHistoryInfo (RFC 7044)', () => {
  it('reads index, mp, cause, embedded Reason and Privacy', () => {
    const entries = hi([
      '<sip:bob@example.com?Reason=SIP%3Bcause%3D302%3Btext%3D%22Moved%22>;index=1, "Bob" <sip:bob@192.0.2.4;cause=302?Privacy=history>;index=1.1;mp=1;foo=bar',
    ]);
    expect(entries.map(historyInfoEntryView)).toEqual([
      {
        uri: 'sip:bob@example.com?Reason=SIP%3Bcause%3D302%3Btext%3D%22Moved%22',
        index: '1',
        reason: [{ protocol: 'SIP', cause: 302, text: 'Moved' }],
        params: [],
      },
      {
        uri: 'sip:bob@192.0.2.4;cause=302?Privacy=history',
        displayName: 'Bob',
        index: '1.1',
        mp: '1',
        cause: 302,
        privacy: ['history'],
        params: [{ name: 'foo', value: 'bar' }],
      },
    ]);
    expect(entries[1]?.indexPath).toEqual([1, 1]);
  });

  it('reads rc and np', () => {
    const [e] = hi('<sip:a@b.com>;index=1.2;rc=1;np=1.1');
    expect(e && historyInfoEntryView(e)).toMatchObject({ rc: '1', np: '1.1' });
  });

  it.each([
    ['<sip:a@b.com>', 'SIP_BAD_HISTORY_INFO'],
    ['sip:a@b.com;index=1', 'SIP_BAD_HISTORY_INFO'],
    ['<sip:a@b.com>;index=01', 'SIP_BAD_INDEX'],
    ['<sip:a@b.com>;index=1;mp=1.x', 'SIP_BAD_INDEX'],
    ['<sip:a@b.com?Reason=%zz>;index=1', 'SIP_BAD_URI'],
    ['<sip:a@b.com?Reason=SIP%3Bcause%3Dx>;index=1', 'SIP_BAD_HISTORY_INFO'],
    ['', 'SIP_BAD_HISTORY_INFO'],
    ['<sip:a@b.com>;index=1,', 'SIP_BAD_HISTORY_INFO'],
    ['<sip:a@>;index=1', 'SIP_BAD_HOST'],
  ])('strict mode refuses %j', (row, code) => {
    const r = parseHistoryInfo(row, { strict: true });
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('refuses an embedded header that does not decode, in tolerant mode too', () => {
    const r = parseHistoryInfo('<sip:a@b.com?Reason=%zz>;index=1');
    expect(!r.ok && r.error.code).toBe('SIP_BAD_HISTORY_INFO');
  });

  it('tolerant mode keeps an entry without index', () => {
    const [e] = hi('<urn:service:sos>', false);
    expect(e?.index).toBeNull();
    expect(e?.indexPath).toBeNull();
  });

  it('serializes unedited entries as read, and edited indexes in place', () => {
    const entries = hi(HISTORY_INFO);
    expect(serializeHistoryInfo(entries)).toEqual({ ok: true, value: HISTORY_INFO.join(', ') });
    const [first] = entries as [HistoryInfoEntry];
    expect(serializeHistoryInfo([{ ...first, index: '2', mp: '1' }])).toEqual({
      ok: true,
      value: '<sip:diverting_user1_address@example.com?Privacy=none>;index=2;mp=1',
    });
    expect(serializeHistoryInfo([{ ...first, index: null }]).ok).toBe(true);
    expect(serializeHistoryInfo([{ ...first, mp: 'x\r\n' }]).ok).toBe(false);
  });

  it('parses index values', () => {
    expect(parseIndex('1.10.2')).toEqual([1, 10, 2]);
    expect(parseIndex('1..2')).toBeNull();
    expect(parseIndex('0')).toEqual([0]);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.boolean(),
        (s, strict) => (parseHistoryInfo(s, { strict }), true),
      ),
    );
  });
});

describe('History-Info index rules (RFC 7044 §10.3)', () => {
  it('accepts a well-formed history', () => {
    expect(validateHistoryInfoIndices(hi(HISTORY_INFO))).toEqual({ ok: true, value: true });
    expect(
      validateHistoryInfoIndices(
        hi('<sip:a@b.com>;index=1, <sip:c@d.com>;index=1.1;rc=1, <sip:e@f.com>;index=1.2;mp=1'),
      ),
    ).toEqual({ ok: true, value: true });
  });

  it.each([
    ['<sip:a@b.com>;index=2', 'the first index must be 1'],
    ['<sip:a@b.com>;index=1, <sip:c@d.com>;index=1', 'repeated'],
    ['<sip:a@b.com>;index=1, <sip:c@d.com>;index=1.1.1', 'no parent'],
    ['<sip:a@b.com>;index=1, <sip:c@d.com>;index=1.1;mp=1.2', 'refers to no earlier entry'],
  ])('refuses %j', (row, message) => {
    const r = validateHistoryInfoIndices(hi(row));
    expect(!r.ok && r.error.message).toContain(message);
  });

  it('refuses a missing index', () => {
    expect(validateHistoryInfoIndices(hi('<sip:a@b.com>', false)).ok).toBe(false);
  });

  it('gives the next index', () => {
    const entries = hi('<sip:a@b.com>;index=1, <sip:c@d.com>;index=1.1, <sip:e@f.com>;index=1.2');
    expect(nextHistoryInfoIndex(entries, '1')).toBe('1.3');
    expect(nextHistoryInfoIndex(entries)).toBe('1.2.1');
    expect(nextHistoryInfoIndex([])).toBe('1');
  });
});

describe('RFC 7544 mapping', () => {
  it('maps the RFC 7544 §7 Diversion chain to its History-Info', () => {
    expect(diversionToHistoryInfo(div(DIVERSION), 'sip:last_diverting_target@example.com')).toEqual(
      { ok: true, value: HISTORY_INFO },
    );
  });

  it('maps the RFC 7544 §7 History-Info back to its Diversion chain', () => {
    const back = historyInfoToDiversion(hi(HISTORY_INFO));
    expect(back.ok && serializeDiversion(back.value)).toEqual({
      ok: true,
      value: DIVERSION.join(', '),
    });
  });

  it('expands a counter into that many hi-entries and merges them back', () => {
    const chain = div('<sip:a@example.com>;reason=no-answer;counter=2');
    const rows = diversionToHistoryInfo(chain, 'sip:t@example.com');
    expect(rows).toEqual({
      ok: true,
      value: [
        '<sip:a@example.com>;index=1',
        '<sip:a@example.com;cause=408>;index=1.1;mp=1',
        '<sip:t@example.com;cause=408>;index=1.1.1;mp=1.1',
      ],
    });
    const back = historyInfoRowsToDiversion(rows.ok ? rows.value : []);
    expect(back.ok && back.value.map(diversionEntryView)).toEqual([
      { uri: 'sip:a@example.com', reason: 'no-answer', counter: 2, privacy: 'off', params: [] },
    ]);
  });

  it('takes the cause from an embedded SIP Reason and skips retargeting that was no diversion', () => {
    const back = historyInfoRowsToDiversion([
      '<sip:a@example.com>;index=1, <sip:b@example.com?Reason=SIP%3Bcause%3D486>;index=1.1;rc=1, <sip:c@example.com>;index=1.1.1;mp=1.1',
    ]);
    expect(back.ok && back.value.map((e) => [e.uri.raw, e.reason])).toEqual([
      ['sip:b@example.com', 'user-busy'],
    ]);
    expect(historyInfoRowsToDiversion(['<sip:a@>;index=1']).ok).toBe(false);
  });

  it('maps tel and other URIs, and refuses a bad Request-URI', () => {
    expect(
      diversionToHistoryInfo(div('<tel:+12065550100>;reason=away'), 'urn:service:sos'),
    ).toEqual({
      ok: true,
      value: [
        '<tel:+12065550100>;index=1',
        '<urn:service:sos;cause=404>;index=1.1;mp=1'.replace(';cause=404', ''),
      ],
    });
    expect(diversionToHistoryInfo([], 'not a uri').ok).toBe(false);
    expect(diversionToHistoryInfo([], null)).toEqual({ ok: true, value: [] });
  });

  it('uses the reason ↔ cause tables, with their defaults', () => {
    expect(
      [
        'unconditional',
        'user-busy',
        'no-answer',
        'deflection',
        'unavailable',
        'away',
        'bogus',
        null,
      ].map(reasonToCause),
    ).toEqual([302, 486, 408, 480, 503, 404, 404, 404]);
    expect([302, 486, 408, 480, 487, 503, 404, 500].map(causeToReason)).toEqual([
      'unconditional',
      'user-busy',
      'no-answer',
      'deflection',
      'deflection',
      'unavailable',
      'unknown',
      'unknown',
    ]);
  });

  it('Diversion → History-Info → Diversion keeps URIs, mappable reasons, privacy and order', () => {
    const reason = fc.constantFrom(
      'unconditional',
      'user-busy',
      'no-answer',
      'deflection',
      'unavailable',
      'unknown',
    );
    const entry = fc.record({
      user: fc.stringMatching(/^[a-z]{1,8}$/),
      reason,
      counter: fc.integer({ min: 1, max: 3 }),
      privacy: fc.constantFrom('full', 'off'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { maxLength: 4, selector: (e) => e.user }), (es) => {
        const rows = es.map(
          (e) =>
            `<sip:${e.user}@example.com>;reason=${e.reason};counter=${e.counter};privacy=${e.privacy}`,
        );
        const chain = rows.length === 0 ? [] : div(rows);
        const hiRows = diversionToHistoryInfo(chain, 'sip:target@example.com');
        if (!hiRows.ok) return false;
        const back = historyInfoRowsToDiversion(hiRows.value);
        return (
          back.ok &&
          JSON.stringify(back.value.map(diversionEntryView)) ===
            JSON.stringify(chain.map(diversionEntryView))
        );
      }),
    );
  });
});
