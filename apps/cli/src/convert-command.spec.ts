import { describe, expect, it } from 'vitest';
import { runCli, stderrJson } from './testing/fake-io.ts';

async function convertOk(argv: string[]): Promise<string[]> {
  const r = await runCli(['convert', ...argv]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  expect(r.stdout.endsWith('\n')).toBe(true);
  return r.stdout.slice(0, -1).split('\n');
}

const BANK = '<sip:+15559876543@acmebank.example>;reason=unconditional';
const R_URI = 'sip:+12065551234@voice.example.com';

describe('sipctx convert --to history-info (RFC 7544 §4)', () => {
  it('maps one diversion and the Request-URI to two hi-entries', async () => {
    expect(await convertOk(['--to', 'history-info', '--request-uri', R_URI, BANK])).toEqual([
      '<sip:+15559876543@acmebank.example>;index=1',
      '<sip:+12065551234@voice.example.com;cause=302>;index=1.1;mp=1',
    ]);
  });

  it('maps a chain given over several rows, oldest target first', async () => {
    const rows = await convertOk([
      '--to',
      'history-info',
      '<sip:+12065550100@pbx.example>;reason=no-answer',
      `${BANK};privacy=full`,
    ]);
    expect(rows).toEqual([
      '<sip:+15559876543@acmebank.example?Privacy=history>;index=1',
      '<sip:+12065550100@pbx.example;cause=302>;index=1.1;mp=1',
    ]);
  });

  it('names the row that does not parse', async () => {
    const r = await runCli(['convert', '--to', 'history-info', BANK, '<sip:b@example.com']);
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)).toMatchObject({ code: expect.stringMatching(/^SIP_/), row: 1 });
  });

  it('rejects a bad --request-uri as invalid input', async () => {
    const r = await runCli(['convert', '--to', 'history-info', '--request-uri', 'nope', BANK]);
    expect(r.exitCode).toBe(2);
    const error = stderrJson(r);
    expect(String(error['code'])).toMatch(/^SIP_/);
    expect(String(error['message'])).toMatch(/^--request-uri: /);
    expect(error).not.toHaveProperty('row');
  });
});

describe('sipctx convert --to diversion (RFC 7544 §5)', () => {
  it('maps History-Info back to Diversion', async () => {
    expect(
      await convertOk([
        '--to',
        'diversion',
        '<sip:+15559876543@acmebank.example>;index=1',
        '<sip:+12065551234@voice.example.com;cause=302>;index=1.1;mp=1',
      ]),
    ).toEqual(['<sip:+15559876543@acmebank.example>;reason=unconditional;counter=1;privacy=off']);
  });

  it('round-trips what --to history-info printed', async () => {
    const hi = await convertOk(['--to', 'history-info', '--request-uri', R_URI, BANK]);
    const back = await convertOk(['--to', 'diversion', ...hi]);
    expect(back).toHaveLength(1);
    expect(back[0]).toContain('<sip:+15559876543@acmebank.example>');
    expect(back[0]).toContain('reason=unconditional');
  });

  it('--strict checks the History-Info indexes (RFC 7044 §10.3)', async () => {
    const rows = ['<sip:a@example.com>;index=1', '<sip:b@example.com;cause=486>;index=2.1'];
    expect((await runCli(['convert', '--to', 'diversion', ...rows])).exitCode).toBe(0);
    const r = await runCli(['convert', '--to', 'diversion', '--strict', ...rows]);
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)['code']).toBe('SIP_BAD_INDEX');
  });

  it('reports an entry that cannot be written back as Diversion', async () => {
    // A display name holding a control character as a quoted-pair: readable, but not writable.
    const rows = [
      '"a\\\u0001b" <sip:a@example.com>;index=1',
      '<sip:c@example.com;cause=302>;index=1.1',
    ];
    const r = await runCli(['convert', '--to', 'diversion', ...rows]);
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)['code']).toBe('SIP_BAD_HISTORY_INFO');
  });

  it('names the row that does not parse', async () => {
    const r = await runCli([
      'convert',
      '--to',
      'diversion',
      '<sip:a@example.com>;index=1',
      'garbage<',
    ]);
    expect(stderrJson(r)).toMatchObject({ row: 1 });
  });
});

describe('sipctx convert: usage', () => {
  it.each([
    [['convert', BANK], '--to must be history-info or diversion'],
    [['convert', '--to', 'pai', BANK], '--to must be history-info or diversion'],
    [['convert', '--to', 'diversion'], 'expected at least one row'],
    [
      ['convert', '--to', 'diversion', '--request-uri', R_URI, BANK],
      '--request-uri applies to --to history-info only',
    ],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(stderrJson(r)).toEqual({ code: 'CLI_USAGE', message, hint: 'sipctx convert --help' });
  });
});
