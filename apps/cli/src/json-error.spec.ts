import type { PolicyError } from '@sipctx/policy';
import { describe, expect, it } from 'vitest';
import { invalidPolicy, policyRefused } from './json-error.ts';

describe('policy errors as outcomes', () => {
  it.each([
    [
      'issues with and without a position',
      {
        issues: [
          { code: 'POLICY_YAML' as const, path: '', message: 'too many aliases' },
          { code: 'POLICY_YAML' as const, path: '', message: 'bad', line: 2, column: 3 },
        ],
      },
      [
        { path: '', message: 'too many aliases', code: 'POLICY_YAML' },
        { path: '', message: 'bad', line: 2, column: 3, code: 'POLICY_YAML' },
      ],
    ],
    ['no issues at all (a file too large)', {}, []],
  ])('invalidPolicy: %s; the offset and input are left out', (_what, extra, issues) => {
    const error = { code: 'POLICY_YAML' as const, message: 'm', offset: 0, input: 'x', ...extra };
    expect(invalidPolicy(error)).toEqual({
      exitCode: 2,
      error: { code: 'POLICY_YAML', message: 'm', issues },
    });
  });

  it('policyRefused keeps the offset and the cause, without their input', () => {
    const error: PolicyError = {
      code: 'POLICY_BAD_MESSAGE',
      message: 'm',
      offset: 5,
      input: 'i',
      cause: { code: 'SIP_BAD_URI', message: 'c', offset: 5, input: 'INVITE x' },
    };
    expect(policyRefused(error)).toEqual({
      exitCode: 2,
      error: {
        code: 'POLICY_BAD_MESSAGE',
        message: 'm',
        offset: 5,
        cause: { code: 'SIP_BAD_URI', message: 'c', offset: 5 },
      },
    });
  });
});
