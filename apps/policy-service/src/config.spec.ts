import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('readConfig', () => {
  it('defaults to loopback listeners', () => {
    const r = readConfig({ SIPCTX_POLICY: '/etc/sipctx/policy.yaml' });
    expect(r).toEqual({
      ok: true,
      config: {
        policyFile: '/etc/sipctx/policy.yaml',
        rpc: { host: '127.0.0.1', port: 8090 },
        http: { host: '127.0.0.1', port: 8091 },
        maxFrameBytes: 1048576,
        context: { ttlSeconds: 3600, graceSeconds: 30 },
      },
    });
  });
  it('reads IPv6 listeners', () => {
    const r = readConfig({ SIPCTX_POLICY: 'p.yaml', SIPCTX_RPC_LISTEN: '[::1]:9000' });
    expect(r.ok && r.config.rpc).toEqual({ host: '::1', port: 9000 });
  });
  it('lists every problem at once', () => {
    const r = readConfig({
      SIPCTX_RPC_LISTEN: 'nowhere',
      SIPCTX_HTTP_LISTEN: '1.2.3.4:99999',
      SIPCTX_MAX_FRAME_BYTES: '12',
    });
    expect(r.ok ? [] : r.problems.map((p) => p.split(':')[0])).toEqual([
      'SIPCTX_POLICY',
      'SIPCTX_RPC_LISTEN',
      'SIPCTX_HTTP_LISTEN',
      'SIPCTX_MAX_FRAME_BYTES',
    ]);
  });
});
