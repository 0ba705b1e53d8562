import { describe, expect, it } from 'vitest';
import { kamailioDecision } from './kamailio-decision.ts';

describe('kamailioDecision', () => {
  it.each([
    [
      'relay unchanged',
      { remove: [], append: '' },
      { remove: '', append: '', ruri: '', duri: '', transport: '', code: 0, reason: '' },
    ],
    [
      'edits and routing',
      {
        remove: ['X-A', 'Diversion'],
        append: 'X-Flow: vip\r\n',
        ruri: 'sip:a@b',
        duri: 'sip:10.0.0.1',
        transport: 'tcp' as const,
      },
      {
        remove: 'X-A,Diversion',
        append: 'X-Flow: vip\r\n',
        ruri: 'sip:a@b',
        duri: 'sip:10.0.0.1',
        transport: 'tcp',
        code: 0,
        reason: '',
      },
    ],
    [
      'reject',
      { remove: [], append: '', reject: { code: 433, reason: 'Anonymity Disallowed' } },
      {
        remove: '',
        append: '',
        ruri: '',
        duri: '',
        transport: '',
        code: 433,
        reason: 'Anonymity Disallowed',
      },
    ],
  ])('%s', (_, wire, flat) => {
    expect(kamailioDecision(wire)).toEqual(flat);
  });
});
