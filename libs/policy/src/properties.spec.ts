import { headerLineBytes, parseMessage, utf8Length } from '@sipctx/sip-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { evaluateMessage } from './evaluate-message.ts';
import {
  appended,
  CARRIER,
  parseRequest,
  policyOf,
  requestText,
  STRANGER,
} from './testing/fixtures.ts';
import { applyWireDecision } from './wire.ts';

/**
 * Properties over generated requests and values, against a policy that exercises every stage:
 * headers no rule names come out byte for byte; the output never carries CR, LF or NUL inside a
 * value; every budget holds; evaluation is total.
 */

const POLICY = policyOf(`
version: 1
name: props
match: all
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
trust: { internal_header_prefixes: [X-Internal-] }
variables: { profile: strip-x }
diversion: { mode: stack, max_chain: 50, on_max: trim }
flows: { header: X-Flow }
budgets:
  header_line: { max_bytes: 200, incoming: truncate }
  context: { max_bytes: 300, order: [transfer, input] }
  message: { max_bytes: 1300, on_exceed: drop }
rules:
  - name: everything
    then:
      flow: main
      headers:
        - { op: add, name: X-Echo, value: '{{ var.Payload }}|{{ header.Subject }}' }
        - { op: replace, name: X-Edited, value: '{{ var.Payload }}' }
        - { op: remove, name: X-Remove-Me }
      export_variables:
        - { match: 'T*', header_prefix: X-Ctx-, group: transfer }
        - { match: 'I*', header_prefix: X-In-, group: input, priority: -1 }
      diversion: { uri: 'sip:{{ callee_number }}@sipctx.invalid', params: { brand: '{{ var.Brand }}' } }
`);

/** Names the policy touches (lower-cased) and those that no rule names. */
const TOUCHED = [
  'x-echo',
  'x-edited',
  'x-remove-me',
  'x-flow',
  'diversion',
  'x-ctx-',
  'x-in-',
  'x-internal-',
];
const touched = (name: string): boolean => TOUCHED.some((t) => name.toLowerCase().startsWith(t));

// Control characters are what the hostile arbitrary adds; safe text has none.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f]/g;
const headerName = fc.stringMatching(/^X-[A-Za-z][A-Za-z0-9-]{0,12}$/);
const safeText = fc
  .string({ unit: 'grapheme', maxLength: 120 })
  .map((s) => s.replace(CONTROLS, '').trim());
const hostile = fc.string({
  maxLength: 300,
  unit: fc.constantFrom('a', 'é', '\r', '\n', '\0', '\t', ' ', ';', '"', '%', '<', '😀', ','),
});
const extra = fc.array(fc.tuple(headerName, safeText), { maxLength: 12 });

describe('properties', () => {
  it('headers no rule names come out byte for byte, and the budgets hold', () => {
    fc.assert(
      fc.property(
        extra,
        hostile,
        fc.dictionary(fc.stringMatching(/^[TI][a-z]{1,8}$/), safeText, { maxKeys: 12 }),
        (rows, payload, vars) => {
          const text = requestText({ extra: rows.map(([n, v]) => `${n}: ${v}`) });
          const message = parseRequest(text);
          const r = evaluate(
            { message, source: CARRIER },
            { variables: { Payload: payload, ...vars } },
            POLICY,
          );
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const d = r.value;
          const out = applyWireDecision(message, d.wire);
          expect(out.ok).toBe(true);
          if (!out.ok) return;
          const rewritten = Buffer.from(out.value).toString('utf8');
          for (const h of message.headers) {
            if (
              touched(h.name) ||
              d.wire.remove.some((n) => n.toLowerCase() === h.canonical.toLowerCase())
            )
              continue;
            expect(rewritten).toContain(`\r\n${h.name}:${h.raw}\r\n`);
          }
          for (const [name, value] of appended(d)) {
            expect(headerLineBytes(name, value)).toBeLessThanOrEqual(200);
          }
          const ctx = appended(d).filter(([n]) => /^X-(Ctx|In)-/.test(n));
          expect(ctx.reduce((a, [n, v]) => a + headerLineBytes(n, v), 0)).toBeLessThanOrEqual(300);
          if (d.wire.transport === undefined)
            expect(utf8Length(rewritten)).toBeLessThanOrEqual(1300 - 160);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the output never carries CR, LF or NUL inside a value', () => {
    fc.assert(
      fc.property(hostile, hostile, (payload, brand) => {
        const r = evaluate(
          { message: parseRequest(requestText()), source: CARRIER },
          { variables: { Payload: payload, Brand: brand, Tx: payload } },
          POLICY,
        );
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const block = r.value.wire.append;
        expect(block === '' || block.endsWith('\r\n')).toBe(true);
        for (const line of block.split('\r\n').slice(0, -1)) {
          expect(line).not.toMatch(/[\r\n\0]/);
          expect(line).toMatch(/^[A-Za-z0-9!%*_+`'~.-]+: /);
        }
        // What the rewritten message carries parses back with the same number of rows.
        const out = applyWireDecision(parseRequest(requestText()), r.value.wire);
        expect(out.ok && parseMessage(out.value).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('evaluation is total: arbitrary input is a coded error or a decision, never a throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (message, source) => {
        const r = evaluate({ message, source } as never, null, POLICY);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 600 }),
        fc.constantFrom(CARRIER, STRANGER),
        (text, source) => {
          const r = evaluateMessage(
            { message: `INVITE sip:a@b SIP/2.0\r\n${text}`, source },
            null,
            POLICY,
          );
          if (!r.ok) expect(r.error.code).toMatch(/^POLICY_/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
