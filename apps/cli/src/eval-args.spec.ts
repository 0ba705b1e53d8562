import { describe, expect, it } from 'vitest';
import { parseNow, parseSource, parseStoredContext } from './eval-args.ts';

describe('parseSource', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', 5060],
    ['203.0.113.5:5080', '203.0.113.5', 5080],
    ['[2001:db8::1]:5070', '2001:db8::1', 5070],
    ['[::1]', '::1', 5060],
    ['::1', '::1', 5060],
    ['10.0.0.1:0', '10.0.0.1', 0],
  ])('%s → %s port %i', (text, address, port) => {
    expect(parseSource(text)).toEqual({ ok: true, value: { address, port } });
  });

  it.each(['proxy.example', '1.2.3.4:65536', '1.2.3.4:x', '1.2.3.4:', '[::1', '[zz]:5060', ''])(
    '%j is refused',
    (text) => {
      expect(parseSource(text)).toEqual({
        ok: false,
        message: `--source must be an IP address with an optional :port, not "${text}"`,
      });
    },
  );
});

describe('parseNow', () => {
  it('reads an ISO 8601 time', () => {
    const r = parseNow('2025-03-04T15:00:00Z');
    expect(r.ok && r.value.toISOString()).toBe('2025-03-04T15:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    expect(parseNow('later').ok).toBe(false);
  });
});

describe('parseStoredContext', () => {
  it.each([
    ['{}', {}],
    ['{"variables":{"a":"1"}}', { variables: { a: '1' } }],
    [
      '{"state":{"n":1,"b":true,"s":"x"},"flow":"f"}',
      { state: { n: 1, b: true, s: 'x' }, flow: 'f' },
    ],
    ['{"flow":null,"call_id":"ignored","sip_headers":[]}', { flow: null }],
  ])('%s', (text, value) => {
    expect(parseStoredContext(text, 'c.json')).toEqual({ ok: true, value });
  });

  it.each([
    ['nope', '--context c.json is not JSON'],
    ['null', '--context c.json must hold a JSON object'],
    ['{"variables":[]}', '--context: "variables" must be an object of strings'],
    [
      '{"state":{"x":null}}',
      '--context: "state" must be an object of strings, numbers or booleans',
    ],
    ['{"flow":3}', '--context: "flow" must be a string or null'],
  ])('%s is refused', (text, message) => {
    const r = parseStoredContext(text, 'c.json');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });
});
