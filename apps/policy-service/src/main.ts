import { readConfig } from './config.ts';
import { startService } from './service.ts';

/**
 * `sipctx-policy-service`: configuration from the environment (see README), SIGHUP reloads the
 * policy (the old one stays when the new one is invalid), SIGTERM/SIGINT stop gracefully.
 * Exit codes: 0 stopped, 78 bad configuration or policy (EX_CONFIG), 70 failed to start.
 */
const config = readConfig(process.env);
if (!config.ok) {
  process.stderr.write(
    `${JSON.stringify({ code: 'SERVICE_CONFIG', problems: config.problems })}\n`,
  );
  process.exit(78);
}
const log = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
};
startService(config.config, process.env).then(
  (service) => {
    log({
      event: 'listening',
      rpc: service.rpcPort,
      http: service.httpPort,
      policy: service.policyName(),
    });
    process.on('SIGHUP', () => {
      void service.reload().then((r) => log({ event: 'reload', ...r }));
    });
    const stop = (signal: string) => {
      log({ event: 'stopping', signal });
      void service.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  },
  (e: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ code: 'SERVICE_START', message: (e as Error).message })}\n`,
    );
    process.exit(78);
  },
);
