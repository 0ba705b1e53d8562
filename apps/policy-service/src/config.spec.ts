import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'sipctx-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A configuration file in the temp dir; its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const problemsOf = (r: ReturnType<typeof readConfig>) => (r.ok ? [] : r.problems);

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
        logLevel: 'info',
        watchPolicy: true,
        store: { kind: 'memory' },
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

describe('readConfig with SIPCTX_CONFIG', () => {
  it('reads every key, and a relative policy path is beside the file', () => {
    const path = file(
      'etc/full.yaml',
      [
        'policy: policies/generic.yaml',
        'rpc_listen: 0.0.0.0:9090',
        'http_listen: "[::1]:9091"',
        'max_frame_bytes: 65536',
        'log_level: debug',
        'watch_policy: false',
        'context:',
        '  ttl_seconds: 600',
        '  grace_seconds: 0',
      ].join('\n'),
    );
    expect(readConfig({ SIPCTX_CONFIG: path })).toEqual({
      ok: true,
      config: {
        policyFile: join(dir, 'etc/policies/generic.yaml'),
        rpc: { host: '0.0.0.0', port: 9090 },
        http: { host: '::1', port: 9091 },
        maxFrameBytes: 65536,
        logLevel: 'debug',
        watchPolicy: false,
        store: { kind: 'memory' },
        context: { ttlSeconds: 600, graceSeconds: 0 },
      },
    });
  });

  it('reads JSON, and keeps an absolute policy path', () => {
    const path = file('c.json', '{"policy": "/srv/p.yaml", "context": {"ttl_seconds": 5}}');
    const r = readConfig({ SIPCTX_CONFIG: path });
    expect(r.ok && [r.config.policyFile, r.config.context]).toEqual([
      '/srv/p.yaml',
      { ttlSeconds: 5, graceSeconds: 30 },
    ]);
  });

  it('the environment wins over the file; an empty variable counts as unset', () => {
    const path = file(
      'env.yaml',
      'policy: p.yaml\nrpc_listen: 127.0.0.1:1000\nlog_level: warn\ncontext: { ttl_seconds: 10 }\n',
    );
    const r = readConfig({
      SIPCTX_CONFIG: path,
      SIPCTX_POLICY: '/elsewhere/p.yaml',
      SIPCTX_RPC_LISTEN: '127.0.0.1:2000',
      SIPCTX_LOG_LEVEL: '',
      SIPCTX_WATCH_POLICY: '0',
      SIPCTX_CONTEXT_TTL_SECONDS: '20',
      SIPCTX_CONTEXT_GRACE_SECONDS: '7',
    });
    expect(r.ok && r.config).toMatchObject({
      policyFile: '/elsewhere/p.yaml',
      rpc: { port: 2000 },
      logLevel: 'warn',
      watchPolicy: false,
      context: { ttlSeconds: 20, graceSeconds: 7 },
    });
  });

  it('lists every problem in the file at once, with line and column', () => {
    const path = file(
      'bad.yaml',
      [
        'policy: ""',
        'rpc_listen: nowhere',
        'max_frame_bytes: 12',
        'log_level: loud',
        'watch_policy: maybe',
        'colour: blue',
        'context:',
        '  ttl_seconds: 0',
        '  grace_seconds: -1',
        '  tll_seconds: 5',
      ].join('\n'),
    );
    expect(problemsOf(readConfig({ SIPCTX_CONFIG: path })).map((p) => p.slice(dir.length))).toEqual(
      [
        '/bad.yaml:6:1: colour: unknown key (expected one of policy, rpc_listen, http_listen, max_frame_bytes, log_level, watch_policy, context, redis_url, redis_sentinels, redis_master, redis_cluster, redis_prefix)',
        '/bad.yaml:10:3: context.tll_seconds: unknown key (expected one of ttl_seconds, grace_seconds)',
        '/bad.yaml:1:1: policy: "" is not a file path',
        '/bad.yaml:2:1: rpc_listen: "nowhere" is not host:port (e.g. 127.0.0.1:8090, [::1]:8090)',
        '/bad.yaml:3:1: max_frame_bytes: 12 is not a byte count of at least 4096',
        '/bad.yaml:4:1: log_level: "loud" is not a log level (fatal, error, warn, info, debug, trace, silent)',
        '/bad.yaml:5:1: watch_policy: "maybe" is not true, false, 1 or 0',
        '/bad.yaml:8:3: context.ttl_seconds: 0 is not a whole number of seconds, at least 1',
        '/bad.yaml:9:3: context.grace_seconds: -1 is not a whole number of seconds',
      ],
    );
  });

  it('lists bad environment values beside the file', () => {
    const path = file('ok.yaml', 'policy: p.yaml\n');
    const r = readConfig({
      SIPCTX_CONFIG: path,
      SIPCTX_LOG_LEVEL: 'verbose',
      SIPCTX_WATCH_POLICY: 'yes',
      SIPCTX_CONTEXT_TTL_SECONDS: '1h',
      SIPCTX_CONTEXT_GRACE_SECONDS: '-5',
    });
    expect(problemsOf(r).map((p) => p.split(':')[0])).toEqual([
      'SIPCTX_LOG_LEVEL',
      'SIPCTX_WATCH_POLICY',
      'SIPCTX_CONTEXT_TTL_SECONDS',
      'SIPCTX_CONTEXT_GRACE_SECONDS',
    ]);
  });

  it.each([
    ['a list', '- policy: p.yaml\n', 'the configuration must be a mapping of keys'],
    ['context not a mapping', 'policy: p.yaml\ncontext: 5\n', 'context: must be a mapping'],
    ['a duplicate key', 'policy: a.yaml\npolicy: b.yaml\n', 'Map keys must be unique'],
    ['bad YAML', 'policy: [p.yaml\n', 'Flow sequence in block collection must be'],
  ])('%s is a problem, not a throw', (name, text, expected) => {
    const path = file(`${name.replace(/ /g, '-')}.yaml`, text);
    const problems = problemsOf(readConfig({ SIPCTX_CONFIG: path }));
    expect(problems.join('\n').toLowerCase()).toContain(expected.toLowerCase());
    expect(problems[0]?.slice(path.length)).toMatch(/^:\d+:\d+: /);
  });

  it('an empty file is no settings', () => {
    const path = file('empty.yaml', '');
    expect(problemsOf(readConfig({ SIPCTX_CONFIG: path, SIPCTX_POLICY: 'p.yaml' }))).toEqual([]);
  });

  it('a file that cannot be read is a problem, not a throw', () => {
    const r = readConfig({ SIPCTX_CONFIG: join(dir, 'missing.yaml'), SIPCTX_POLICY: 'p.yaml' });
    expect(problemsOf(r)).toEqual([
      expect.stringMatching(/^SIPCTX_CONFIG: cannot read .*missing\.yaml: ENOENT/),
    ]);
  });

  it('reads through the injected reader', () => {
    const r = readConfig({ SIPCTX_CONFIG: '/virtual/c.yaml' }, (p) => `policy: ${p}.policy\n`);
    expect(r.ok && r.config.policyFile).toBe('/virtual/c.yaml.policy');
  });
});

describe('readConfig: the store', () => {
  it('is Redis when a URL is given, from the environment or the file, with a prefix', () => {
    const r = readConfig({
      SIPCTX_POLICY: '/p.yaml',
      SIPCTX_REDIS_URL: 'redis://10.0.0.5:6380/2',
    });
    expect(r.ok && r.config.store).toEqual({
      kind: 'redis',
      url: 'redis://10.0.0.5:6380/2',
      prefix: 'sipctx:',
    });
    const path = file(
      'redis.yaml',
      'policy: p.yaml\nredis_url: rediss://cache:6379\nredis_prefix: "a:"\n',
    );
    const f = readConfig({ SIPCTX_CONFIG: path });
    expect(f.ok && f.config.store).toEqual({
      kind: 'redis',
      url: 'rediss://cache:6379',
      prefix: 'a:',
    });
  });

  it('lists a URL that is not redis:// and a prefix that is not printable', () => {
    const r = readConfig({
      SIPCTX_POLICY: '/p.yaml',
      SIPCTX_REDIS_URL: 'http://cache',
      SIPCTX_REDIS_PREFIX: 'a b',
    });
    expect(r.ok === false && r.problems).toEqual([
      'SIPCTX_REDIS_URL: "http://cache" is not a redis:// or rediss:// URL (redis://127.0.0.1:6379/0)',
      'SIPCTX_REDIS_PREFIX: "a b" is not a key prefix of 1 to 64 printable characters',
    ]);
  });
});

describe('readConfig: Redis through Sentinel or Cluster', () => {
  it('reads sentinels with their master, and cluster nodes, from the environment or the file', () => {
    const s = readConfig({
      SIPCTX_POLICY: '/p.yaml',
      SIPCTX_REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379',
      SIPCTX_REDIS_MASTER: 'sipctx',
    });
    expect(s.ok && s.config.store).toEqual({
      kind: 'redis-sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      master: 'sipctx',
      prefix: 'sipctx:',
    });
    const path = file('cluster.yaml', 'policy: p.yaml\nredis_cluster: [ "a:7000", "b:7001" ]\n');
    const c = readConfig({ SIPCTX_CONFIG: path });
    expect(c.ok && c.config.store).toEqual({
      kind: 'redis-cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      prefix: 'sipctx:',
    });
  });

  it('lists two ways at once, sentinels without a master, and bad node lists', () => {
    const r = readConfig({
      SIPCTX_POLICY: '/p.yaml',
      SIPCTX_REDIS_URL: 'redis://a:6379',
      SIPCTX_REDIS_SENTINELS: 'b:26379',
      SIPCTX_REDIS_CLUSTER: 'nowhere',
    });
    expect(r.ok === false && r.problems).toEqual([
      'SIPCTX_REDIS_CLUSTER: "nowhere" is not a list of host:port (a comma-separated string from the environment)',
      'SIPCTX_REDIS_URL, SIPCTX_REDIS_SENTINELS, SIPCTX_REDIS_CLUSTER: give one of them',
      'SIPCTX_REDIS_MASTER: the Sentinel master name is required with sentinels',
    ]);
  });
});
