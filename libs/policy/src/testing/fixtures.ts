import { readFileSync } from 'node:fs';
import { parseMessage, type SipRequest } from '@sipctx/sip-codec';
import type { CompiledPolicy } from '../compile.ts';
import { evaluate, type EvaluateOptions } from '../evaluate.ts';
import { loadPolicy } from '../load.ts';
import type { Decision, PolicyRequest, StoredContext } from '../model.ts';

/** Test helpers: policies from YAML text or the examples, requests from header lines. */

export const EXAMPLES = new URL('../../examples/', import.meta.url);

export function policyOf(yaml: string, env: Record<string, string> = {}): CompiledPolicy {
  const r = loadPolicy(yaml, { env });
  if (!r.ok)
    throw new Error(
      `${r.error.code}: ${r.error.message}\n${JSON.stringify(r.error.issues, null, 2)}`,
    );
  return r.value;
}

export function example(name: string, env: Record<string, string> = {}): CompiledPolicy {
  return policyOf(readFileSync(new URL(`${name}.yaml`, EXAMPLES), 'utf8'), env);
}

export interface InviteOptions {
  readonly method?: string;
  readonly ruri?: string;
  readonly from?: string;
  readonly to?: string;
  readonly extra?: readonly string[];
  readonly body?: string;
}

/** A request with the usual headers plus `extra` lines (`Name: value`), CRLF line ends. */
export function requestText(o: InviteOptions = {}): string {
  const method = o.method ?? 'INVITE';
  const body = o.body ?? '';
  const lines = [
    `${method} ${o.ruri ?? 'sip:+15557654321@agents.example.com'} SIP/2.0`,
    'Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-876543',
    'Max-Forwards: 70',
    `From: ${o.from ?? '<sip:+15551234567@carrier.example.net>;tag=9fxced76sl'}`,
    `To: ${o.to ?? '<sip:+15557654321@agents.example.com>'}`,
    'Call-ID: a84b4c76e66710@carrier.example.net',
    `CSeq: 314159 ${method}`,
    'Contact: <sip:+15551234567@203.0.113.5:5060>',
    ...(o.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export function parseRequest(text: string): SipRequest {
  const r = parseMessage(text, { transport: 'udp' });
  if (!r.ok || r.value.kind !== 'request')
    throw new Error(`fixture does not parse: ${JSON.stringify(r)}`);
  return r.value;
}

export const CARRIER = { address: '203.0.113.5', port: 5060, transport: 'udp' } as const;
export const STRANGER = { address: '192.0.2.99', port: 5060, transport: 'udp' } as const;
export const LOCAL = { address: '127.0.0.1', port: 5060, transport: 'udp' } as const;

export function decide(
  policy: CompiledPolicy,
  o: InviteOptions = {},
  source: PolicyRequest['source'] = CARRIER,
  stored: StoredContext | null = null,
  options: EvaluateOptions = {},
): Decision {
  const r = evaluate({ message: parseRequest(requestText(o)), source }, stored, policy, {
    now: new Date('2026-11-25T15:00:00Z'),
    ...options,
  });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The headers of the wire block, as `[name, value]`. */
export function appended(d: Decision): [string, string][] {
  return d.wire.append
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
}
