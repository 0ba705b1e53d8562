import { describe, expect, it } from 'vitest';
import { createLogger, logEvaluation, redactText, REDACTED_KEYS } from './logger.ts';

/** A logger writing into an array: one parsed JSON object per line, and the raw text. */
function capture(level = 'info') {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => raw.push(s) } });
  const lines = () => raw.map((s) => JSON.parse(s) as Record<string, unknown>);
  return { logger, raw, lines };
}

const NUMBER = '4915112345678';
const HEADER = 'sip:+4915112345678@carrier.example;user=phone';

describe('createLogger', () => {
  it('writes JSON lines with the service, an ISO time and the level name', () => {
    const { logger, lines } = capture();
    logger.info({ event: 'listening', rpc: 8090 }, 'listening');
    expect(lines()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'sipctx-policy-service',
        event: 'listening',
        rpc: 8090,
        msg: 'listening',
      },
    ]);
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines().map((l) => l['msg'])).toEqual(['loud']);
  });

  it('censors every listed key, at the top and up to three levels down', () => {
    const { logger, raw, lines } = capture();
    for (const key of REDACTED_KEYS) {
      logger.info({ [key]: NUMBER, call: { [key]: HEADER }, d: { edits: [{ [key]: NUMBER }] } });
    }
    expect(raw.join('')).not.toContain('1234');
    expect(raw.join('')).not.toContain('carrier.example');
    for (const [i, key] of REDACTED_KEYS.entries()) {
      expect(lines()[i]).toMatchObject({
        [key]: '[redacted]',
        call: { [key]: '[redacted]' },
        d: { edits: [{ [key]: '[redacted]' }] },
      });
    }
  });

  it('censors the numbers of a stored context and header edits', () => {
    const { logger, lines } = capture();
    logger.info({
      context: {
        call: {
          caller_number: NUMBER,
          callee_number: '+3312345678',
          original_called_number: NUMBER,
        },
        variables: { billing: NUMBER },
        state: { seen: NUMBER },
      },
      edits: [{ header: 'P-Asserted-Identity', before: HEADER, after: HEADER }],
      headers: [{ name: 'From', value: HEADER }],
    });
    // Every digit run but the timestamp's is gone.
    const text = JSON.stringify({ ...lines()[0], time: undefined });
    expect(text).not.toMatch(/\d/);
    expect(text).toContain('P-Asserted-Identity');
  });

  it('makes logged errors safe', () => {
    const { logger, raw, lines } = capture();
    logger.error({ err: new Error(`no route for ${NUMBER}`) }, 'failed');
    expect(raw.join('')).not.toContain(NUMBER);
    expect(lines()[0]).toMatchObject({
      err: { type: 'Error', message: 'no route for [redacted]' },
    });
  });
});

describe('redactText', () => {
  it.each([
    [`From: <sip:${NUMBER}@example.com>`, 'From: <sip:[redacted]@example.com>'],
    ['+1 555 0100', '+1 555 [redacted]'],
    ['status 486 on port 5060', 'status 486 on port [redacted]'],
    ['line 12, column 3', 'line 12, column 3'],
    ['', ''],
  ])('%s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });
});

describe('logEvaluation', () => {
  it('logs a decision at debug with every field, and nothing of it at info', () => {
    const quiet = capture('info');
    logEvaluation(quiet.logger, {
      callId: 'x@y',
      method: 'INVITE',
      inDialog: false,
      outcome: 'ok',
      ms: 0.1,
    });
    expect(quiet.lines()).toEqual([]);
    const { logger, lines } = capture('debug');
    logEvaluation(logger, {
      callId: 'a84b4c76e66710@pc33.example.com',
      method: 'INVITE',
      inDialog: false,
      outcome: 'ok',
      rules: ['strip-internal', 'pai-from-trunk'],
      flow: 'inbound',
      edits: 3,
      dropped: 1,
      ms: 0.42,
    });
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'debug',
        event: 'evaluate',
        call_id: 'a84b4c76e66710@pc33.example.com',
        sip_method: 'INVITE',
        in_dialog: false,
        outcome: 'ok',
        rules: ['strip-internal', 'pai-from-trunk'],
        flow: 'inbound',
        edits: 3,
        dropped: 1,
        ms: 0.42,
      }),
    ]);
    expect(Object.keys(lines()[0] ?? {})).not.toContain('message');
  });

  it('logs a reject at info', () => {
    const { logger, lines } = capture('info');
    logEvaluation(logger, {
      callId: 'r@y',
      method: 'INVITE',
      inDialog: false,
      outcome: 'rejected',
      rules: ['block-anonymous'],
      ms: 0.1,
    });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', outcome: 'rejected', call_id: 'r@y' }),
    ]);
  });

  it('logs an error at warn, with its message made safe', () => {
    const { logger, raw, lines } = capture();
    logEvaluation(logger, {
      callId: null,
      method: 'INVITE',
      inDialog: true,
      outcome: 'error',
      code: 'POLICY_SIP_PARSE',
      message: `bad To header: <sip:${NUMBER}@x>`,
      ms: 0.1,
    });
    expect(raw.join('')).not.toContain(NUMBER);
    expect(lines()[0]).toMatchObject({
      level: 'warn',
      call_id: null,
      in_dialog: true,
      outcome: 'error',
      code: 'POLICY_SIP_PARSE',
      message: 'bad To header: <sip:[redacted]@x>',
    });
  });

  it('logs a rejection at info', () => {
    const { logger, lines } = capture();
    logEvaluation(logger, {
      callId: 'c1',
      method: 'INVITE',
      inDialog: false,
      outcome: 'rejected',
      code: '403',
      ms: 1,
    });
    expect(lines()[0]).toMatchObject({ level: 'info', outcome: 'rejected', code: '403' });
  });
});
