import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeControl } from './chars.ts';
import {
  addDiversionEntry,
  capDiversionChain,
  diversionCount,
  diversionLimit,
} from './diversion-chain.ts';
import {
  buildDiversionEntry,
  diversionEntryView,
  isSafeExtensionName,
  parseDiversion,
  serializeDiversion,
  serializeDiversionEntry,
  serializeDiversionRows,
  type DiversionEntry,
} from './diversion.ts';

function entries(rows: string | string[], strict = true): DiversionEntry[] {
  const r = parseDiversion(rows, { strict });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('parseDiversion', () => {
  it('reads the RFC 5806 §8 style chain from several rows and comma lists, most recent first', () => {
    const chain = entries([
      '<sip:5551112222@example.com>;reason=user-busy;counter=1;privacy=full',
      '"Joe" <sip:alice@atlanta.example.com>;reason=time-of-day;counter=2;screen=no;privacy=off, <tel:+12065550100>;reason=unconditional',
    ]);
    expect(chain.map(diversionEntryView)).toEqual([
      {
        uri: 'sip:5551112222@example.com',
        reason: 'user-busy',
        counter: 1,
        privacy: 'full',
        params: [],
      },
      {
        uri: 'sip:alice@atlanta.example.com',
        displayName: 'Joe',
        reason: 'time-of-day',
        counter: 2,
        screen: 'no',
        privacy: 'off',
        params: [],
      },
      { uri: 'tel:+12065550100', reason: 'unconditional', params: [] },
    ]);
  });

  // Rows in the forms carriers and PBXs send (parameter orders and URI kinds vary).
  it.each([
    [
      '<sip:+16287261846@208.89.64.233>;privacy=off;screen=no;reason=no-answer;counter=1',
      'sip:+16287261846@208.89.64.233',
      'no-answer',
    ],
    ['<tel:3948809>;reason=no-answer;counter=1;screen=no;privacy=off', 'tel:3948809', 'no-answer'],
    [
      'Carol <sip:carol@atlanta.example.com>;privacy=off;reason=no-answer;counter=1;screen=no',
      'sip:carol@atlanta.example.com',
      'no-answer',
    ],
    [
      '<sip:+15550002@redirector.example>;reason=unconditional;counter=1',
      'sip:+15550002@redirector.example',
      'unconditional',
    ],
  ])('reads the real-world row %s', (row, uri, reason) => {
    const [e] = entries(row, false); // tel:3948809 is a local number without phone-context
    expect(e && [e.uri.raw, e.reason, e.counter]).toEqual([uri, reason, 1]);
    expect(e && serializeDiversionEntry(e)).toEqual({ ok: true, value: row });
  });

  it('reads the Diversion guide X-Diversion with its extension params in order', () => {
    const [e] = entries(
      '<sip:+15559876543@acmebank>;reason=unconditional;privacy=off;brand=AcmeBank;journey_stage=loan-apps;limit=5',
    );
    expect(e && diversionEntryView(e)).toEqual({
      uri: 'sip:+15559876543@acmebank',
      reason: 'unconditional',
      privacy: 'off',
      limit: 5,
      params: [
        { name: 'brand', value: 'AcmeBank' },
        { name: 'journey_stage', value: 'loan-apps' },
      ],
    });
  });

  it('unquotes values and keeps an unusual reason', () => {
    const [e] = entries('<sip:a@b.com>;reason="follow me";note="Acme, Inc."');
    expect(e?.reason).toBe('follow me');
    expect(e?.extensions).toEqual([{ name: 'note', value: 'Acme, Inc.', quoted: true }]);
  });

  it.each([
    ['', 'SIP_BAD_DIVERSION', 0],
    ['sip:a@b.com;reason=user-busy', 'SIP_BAD_DIVERSION', 0],
    ['<sip:a@b.com>;counter=100', 'SIP_BAD_DIVERSION', 0],
    ['<sip:a@b.com>;limit=x', 'SIP_BAD_DIVERSION', 0],
    ['<sip:a@b.com>;reason', 'SIP_BAD_DIVERSION', 0],
    ['<sip:a@b.com>;reason=a;reason=b', 'SIP_BAD_DIVERSION', 0],
    ['<sip:a@b.com>, ', 'SIP_BAD_DIVERSION', 15],
    ['<sip:a@b.com>;reason="open', 'SIP_BAD_QUOTED_STRING', 26],
    ['<sip:a@>', 'SIP_BAD_HOST', 7],
  ])('strict mode refuses %j (%s at %i)', (row, code, offset) => {
    const r = parseDiversion(row, { strict: true });
    expect(!r.ok && [r.error.code, r.error.offset, r.error.input]).toEqual([code, offset, row]);
  });

  it('tolerant mode accepts an addr-spec and keeps an unreadable counter as written', () => {
    const [e] = entries('sip:a@b.com;counter=1x;reason=deflection', false);
    expect(e && diversionEntryView(e)).toEqual({
      uri: 'sip:a@b.com',
      reason: 'deflection',
      params: [{ name: 'counter', value: '1x' }],
    });
    expect(e && serializeDiversionEntry(e)).toEqual({
      ok: true,
      value: '<sip:a@b.com>;counter=1x;reason=deflection',
    });
  });

  it('tolerant mode takes the first of a repeated named parameter', () => {
    const [e] = entries('<sip:a@b.com>;reason=user-busy;reason=away', false);
    expect(e?.reason).toBe('user-busy');
  });

  it('never throws, in either mode', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 3 }), fc.boolean(), (rows, strict) => {
        parseDiversion(rows, { strict });
        return true;
      }),
    );
  });
});

describe('serializeDiversion', () => {
  const rows = [
    '<sip:5551112222@example.com>;reason=user-busy;counter=1;privacy=full',
    '"Joe Smith" <sip:alice@atlanta.example.com>;screen=no;reason=time-of-day;brand=Acme',
  ];

  it('writes unedited entries back as they were read', () => {
    const chain = entries(rows);
    expect(serializeDiversionRows(chain)).toEqual({ ok: true, value: rows });
    expect(serializeDiversion(chain)).toEqual({ ok: true, value: rows.join(', ') });
  });

  it('writes edited fields in place and removes cleared ones', () => {
    const [a, b] = entries(rows) as [DiversionEntry, DiversionEntry];
    expect(serializeDiversionEntry({ ...a, counter: 2, privacy: null })).toEqual({
      ok: true,
      value: '<sip:5551112222@example.com>;reason=user-busy;counter=2',
    });
    expect(
      serializeDiversionEntry({
        ...b,
        reason: 'no answer',
        extensions: [{ name: 'tier', value: 'gold', quoted: false }],
      }),
    ).toEqual({
      ok: true,
      value: '"Joe Smith" <sip:alice@atlanta.example.com>;screen=no;reason="no answer";tier=gold',
    });
  });

  it('keeps a counter written 01 as written', () => {
    const [e] = entries('<sip:a@b.com>;counter=01');
    expect(e && serializeDiversionEntry(e)).toEqual({
      ok: true,
      value: '<sip:a@b.com>;counter=01',
    });
  });

  it('refuses an entry that would smuggle a header', () => {
    const [e] = entries(rows[0] as string);
    const r = serializeDiversion([
      e as DiversionEntry,
      { ...(e as DiversionEntry), reason: 'x\r\nVia: evil' },
    ]);
    expect(!r.ok && r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('round-trips built chains: parse(serialize(chain)) gives the same fields', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const input = fc.record({
      uri: fc.stringMatching(/^\+1[0-9]{10}$/).map((n) => `sip:${n}@example.com`),
      reason: fc.option(token, { nil: null }),
      counter: fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }),
      limit: fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }),
      privacy: fc.option(fc.constantFrom('full', 'name', 'uri', 'off'), { nil: null }),
      screen: fc.option(fc.constantFrom('yes', 'no'), { nil: null }),
      extensions: fc.array(
        fc.record({
          name: fc.stringMatching(/^x[a-z0-9_]{0,6}$/),
          value: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        }),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 4 }), (inputs) => {
        const chain: DiversionEntry[] = [];
        for (const i of inputs) {
          const e = buildDiversionEntry(i);
          if (!e.ok)
            return i.extensions.some((x) => x.value !== null && findUnsafeControl(x.value) !== -1);
          chain.push(e.value);
        }
        const row = serializeDiversion(chain);
        if (!row.ok || /[\r\n]/.test(row.value)) return false;
        const back = entries(row.value);
        return (
          JSON.stringify(back.map(diversionEntryView)) ===
          JSON.stringify(chain.map(diversionEntryView))
        );
      }),
    );
  });
});

describe('buildDiversionEntry', () => {
  it('builds a valid entry with counter after reason', () => {
    const e = buildDiversionEntry({
      uri: 'sip:+15559876543@acmebank.example',
      reason: 'unconditional',
      counter: 1,
      privacy: 'off',
      extensions: [{ name: 'brand', value: 'Acme Bank' }],
    });
    expect(e.ok && e.value.raw).toBe(
      '<sip:+15559876543@acmebank.example>;reason=unconditional;counter=1;privacy=off;brand="Acme Bank"',
    );
  });

  it.each([
    [{ uri: 'not a uri' }, 'SIP_BAD_SCHEME'],
    [{ uri: 'sip:a@b.com', reason: 'two words' }, 'SIP_BAD_DIVERSION'],
    [{ uri: 'sip:a@b.com', counter: 100 }, 'SIP_BAD_DIVERSION'],
    [{ uri: 'sip:a@b.com', limit: 1.5 }, 'SIP_BAD_DIVERSION'],
    [
      { uri: 'sip:a@b.com', extensions: [{ name: 'journey-stage', value: 'x' }] },
      'SIP_BAD_DIVERSION',
    ],
    [{ uri: 'sip:a@b.com', extensions: [{ name: 'x', value: 'a\nb' }] }, 'SIP_UNSAFE_VALUE'],
  ])('refuses %j', (input, code) => {
    const r = buildDiversionEntry(input);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('limits extension names to letters, digits and "_", and never a named param', () => {
    expect(['brand', 'journey_stage', 'tier2'].every(isSafeExtensionName)).toBe(true);
    expect(['', 'journey-stage', 'reason', 'Counter', 'a.b'].some(isSafeExtensionName)).toBe(false);
  });
});

describe('Diversion chains', () => {
  const chain = entries([
    '<sip:c@example.com>;reason=no-answer;counter=2;limit=4',
    '<sip:b@example.com>;reason=user-busy',
    '<sip:a@example.com>;reason=unconditional;counter=1;limit=9',
  ]);
  const ours = (
    buildDiversionEntry({ uri: 'sip:ai@voice.example.com', reason: 'deflection' }) as {
      value: DiversionEntry;
    }
  ).value;

  it('counts diversions, a missing counter counting 1', () => {
    expect(diversionCount(chain)).toBe(4);
    expect(diversionCount([])).toBe(0);
  });

  it('adds on top by default (RFC order) with counter=1', () => {
    const next = addDiversionEntry(chain, ours);
    expect(next).toHaveLength(4);
    expect(next[0]?.counter).toBe(1);
    expect(next[0]?.uri.raw).toBe('sip:ai@voice.example.com');
    expect(chain).toHaveLength(3);
  });

  it('adds at the bottom ("keep ours last") with a running total when asked', () => {
    const next = addDiversionEntry(chain, ours, { position: 'bottom', counter: 'total' });
    expect(next[3]?.counter).toBe(5);
    expect(serializeDiversionEntry(next[3] as DiversionEntry)).toEqual({
      ok: true,
      value: '<sip:ai@voice.example.com>;reason=deflection;counter=5',
    });
    expect(addDiversionEntry([], { ...ours, counter: 7 }, { counter: 'keep' })[0]?.counter).toBe(7);
  });

  it('caps a chain, returning what it dropped', () => {
    expect(capDiversionChain(chain, 2).dropped.map((e) => e.uri.raw)).toEqual([
      'sip:a@example.com',
    ]);
    expect(capDiversionChain(chain, 2, { drop: 'newest' }).chain.map((e) => e.uri.raw)).toEqual([
      'sip:b@example.com',
      'sip:a@example.com',
    ]);
    expect(capDiversionChain(chain, 5).dropped).toEqual([]);
    expect(capDiversionChain(chain, -1).chain).toEqual([]);
  });

  it('finds the tightest limit', () => {
    expect(diversionLimit(chain)).toEqual({ limit: 4, exceeded: true });
    expect(diversionLimit(chain.slice(1))).toEqual({ limit: 9, exceeded: false });
    expect(diversionLimit([])).toEqual({ limit: null, exceeded: false });
  });
});
