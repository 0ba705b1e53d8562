import type { WireDecision } from './model.ts';

/**
 * The wire decision in the shape kamailio/kamailio.cfg reads in its resume route with one
 * `jansson_xdecode`: a flat object whose every field is present (no null to guard in cfg), names
 * to remove joined with "," (header names are tokens, so they cannot hold one), and 0 / "" for
 * "leave as is". See kamailio/README.md.
 */
export interface KamailioDecision {
  readonly remove: string;
  readonly append: string;
  readonly ruri: string;
  readonly duri: string;
  /** `udp`, `tcp`, `tls`, or "" to relay as the Request-URI says. */
  readonly transport: string;
  /** A reject code (4xx-6xx), or 0 to relay. */
  readonly code: number;
  readonly reason: string;
}

export function kamailioDecision(wire: WireDecision): KamailioDecision {
  return {
    remove: wire.remove.join(','),
    append: wire.append,
    ruri: wire.ruri ?? '',
    duri: wire.duri ?? '',
    transport: wire.transport ?? '',
    code: wire.reject?.code ?? 0,
    reason: wire.reject?.reason ?? '',
  };
}
