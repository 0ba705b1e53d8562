import { parseDiversion, parseHistoryInfo } from '@sipctx/sip-codec';
import { describe, expect, it } from 'vitest';
import { appended, decide, policyOf } from './testing/fixtures.ts';

const policy = (diversion: string, trunks = '') => `
version: 1
name: t
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
${trunks}
diversion:
${diversion}
rules:
  - name: ours
    then:
      diversion: { uri: 'sip:{{ callee_number }}@sipctx.invalid', reason: unconditional, params: { brand: AcmeBank } }
`;

const RECEIVED = [
  'Diversion: <sip:+12065550002@a.example>;reason=no-answer;counter=1',
  'Diversion: <sip:+12065550001@a.example>;reason=user-busy',
];
const OURS = '<sip:+15557654321@sipctx.invalid>;reason=unconditional;brand=AcmeBank;counter=1';

function chainOf(d: ReturnType<typeof decide>): string[] {
  return appended(d)
    .filter(([n]) => n === 'Diversion' || n === 'X-Diversion')
    .map(([, v]) => v);
}

describe('Diversion modes', () => {
  it('stack, top: ours first (RFC 5806 order), received entries re-sent as written', () => {
    const d = decide(policyOf(policy('  mode: stack\n  position: top')), { extra: RECEIVED });
    expect(d.wire.remove).toEqual(['Diversion']);
    expect(chainOf(d)).toEqual([OURS, ...RECEIVED.map((r) => r.slice('Diversion: '.length))]);
  });

  it('stack, bottom ("keep ours last"): received rows untouched, ours appended', () => {
    const d = decide(policyOf(policy('  mode: stack\n  position: bottom')), { extra: RECEIVED });
    expect(d.wire.remove).toEqual([]);
    expect(chainOf(d)).toEqual([OURS]);
  });

  it('stack with counter total', () => {
    const d = decide(policyOf(policy('  mode: stack\n  counter: total')), { extra: RECEIVED });
    expect(chainOf(d)[0]).toMatch(/;counter=3$/);
  });

  it('propagate passes the chain on and adds nothing, saying so', () => {
    const d = decide(policyOf(policy('  mode: propagate')), { extra: RECEIVED });
    expect(d.wire).toEqual({ remove: [], append: '' });
    expect(d.edits[0]).toMatchObject({ op: 'refuse', header: 'Diversion', rule: 'ours' });
  });

  it('none removes the received chain, only ours goes on', () => {
    const d = decide(policyOf(policy('  mode: none')), { extra: RECEIVED });
    expect(d.wire.remove).toEqual(['Diversion']);
    expect(chainOf(d)).toEqual([OURS]);
  });

  it('X-Diversion as the chain header', () => {
    const d = decide(policyOf(policy('  mode: stack\n  header: X-Diversion')));
    expect(appended(d)).toEqual([['X-Diversion', OURS]]);
  });

  it('an unparseable received chain is left alone and ours is refused', () => {
    const d = decide(policyOf(policy('  mode: stack')), { extra: ['Diversion: not an address'] });
    expect(d.wire).toEqual({ remove: [], append: '' });
    expect(d.edits[0]?.op).toBe('refuse');
  });
});

describe('loop protection', () => {
  const long = Array.from(
    { length: 4 },
    (_, i) => `Diversion: <sip:+1206555000${i}@a.example>;reason=unconditional`,
  );
  it('reject', () => {
    const d = decide(policyOf(policy('  mode: stack\n  max_chain: 4\n  on_max: reject')), {
      extra: long,
    });
    expect(d.action).toBe('reject');
    expect(d.reject).toEqual({ code: 482, reason: 'Too Many Diversions' });
  });
  it('skip adding ours', () => {
    const d = decide(policyOf(policy('  mode: stack\n  max_chain: 4\n  on_max: skip')), {
      extra: long,
    });
    expect(d.wire).toEqual({ remove: [], append: '' });
    expect(d.notes.join()).toMatch(/over the maximum of 4/);
  });
  it('trim the oldest, keeping what was trimmed', () => {
    const d = decide(policyOf(policy('  mode: stack\n  max_chain: 4\n  on_max: trim')), {
      extra: long,
    });
    const chain = parseDiversion(chainOf(d));
    expect(chain.ok && chain.value.map((e) => e.reason)).toEqual([
      'unconditional',
      'unconditional',
      'unconditional',
      'unconditional',
    ]);
    expect(chainOf(d)).toHaveLength(4);
    expect(chainOf(d)[0]).toBe(OURS);
    expect(d.dropped.map((x) => [x.budget, x.value])).toEqual([
      ['diversion_chain', '<sip:+12065550003@a.example>;reason=unconditional'],
    ]);
  });
  it('a counter counts as that many diversions', () => {
    const d = decide(policyOf(policy('  mode: stack\n  max_chain: 4')), {
      extra: ['Diversion: <sip:+12065550001@a.example>;reason=unconditional;counter=4'],
    });
    expect(d.action).toBe('reject');
  });
  it("an entry's limit is honoured", () => {
    const d = decide(policyOf(policy('  mode: stack')), {
      extra: ['Diversion: <sip:+12065550001@a.example>;reason=unconditional;counter=2;limit=2'],
    });
    expect(d.action).toBe('reject');
  });
});

describe('History-Info for the next hop', () => {
  const trunk = (want: string) =>
    `  - { name: hi, cidrs: [10.9.0.0/16], trusted: true, redirect_headers: ${want} }`;
  it('history-info: the chain is sent as History-Info (RFC 7544) instead', () => {
    const d = decide(policyOf(policy('  mode: stack', trunk('history-info'))), {
      ruri: 'sip:+15557654321@10.9.0.1',
      extra: RECEIVED,
    });
    expect(d.wire.remove).toEqual(['Diversion']);
    const rows = appended(d)
      .filter(([n]) => n === 'History-Info')
      .map(([, v]) => v);
    expect(appended(d).some(([n]) => n === 'Diversion')).toBe(false);
    const hi = parseHistoryInfo(rows);
    expect(hi.ok).toBe(true);
    expect(hi.ok && hi.value.length).toBeGreaterThanOrEqual(4);
  });
  it('both: Diversion and History-Info', () => {
    const d = decide(policyOf(policy('  mode: stack', trunk('both'))), {
      ruri: 'sip:+15557654321@10.9.0.1',
    });
    expect(new Set(appended(d).map(([n]) => n))).toEqual(new Set(['Diversion', 'History-Info']));
  });
  it('diversion: a received History-Info is mapped to Diversion', () => {
    const d = decide(
      policyOf(policy('  mode: propagate', trunk('diversion')).replace(/rules:[\s\S]*$/, '')),
      {
        ruri: 'sip:+15557654321@10.9.0.1',
        extra: [
          'History-Info: <sip:+12065550001@a.example>;index=1',
          'History-Info: <sip:+15557654321@b.example;cause=486>;index=1.1',
        ],
      },
    );
    expect(appended(d)).toEqual([
      ['Diversion', '<sip:+12065550001@a.example>;reason=user-busy;counter=1;privacy=off'],
    ]);
  });
});
