import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate, type TemplateScope } from './template.ts';

const scope: TemplateScope = {
  value: (n) => ({ caller_number: '+15551234567', flow: null })[n as 'caller_number'] ?? null,
  variable: (n) => (n === 'tier' ? 'gold' : null),
  state: (n) => (n === 'branch' ? 'North Branch' : null),
  header: (n) => (n.toLowerCase() === 'x-call-type' ? 'Support' : null),
};

describe('templates', () => {
  it.each([
    ['plain text', 'plain text'],
    ['sip:{{ caller_number }}@x', 'sip:+15551234567@x'],
    ['{{var.tier}}/{{ state.branch }}/{{ header.X-Call-Type }}', 'gold/North Branch/Support'],
    ['{{ var.missing }}', ''],
    ['{{ var.missing ?? "fallback \\"q\\"" }}', 'fallback "q"'],
    ['{{ flow ?? "none" }}', 'none'],
  ])('%s', (source, expected) => {
    const t = compileTemplate(source);
    expect(typeof t === 'string' ? t : renderTemplate(t, scope)).toBe(expected);
  });

  it.each([
    ['{{ nope }}', /unknown value/],
    ['{{ var }}', /needs a name/],
    ['{{ caller_number', /unclosed/],
    ['{{ var.a ?? unquoted }}', /not a reference/],
  ])('refuses %s', (source, message) => {
    expect(compileTemplate(source)).toMatch(message);
  });
});
