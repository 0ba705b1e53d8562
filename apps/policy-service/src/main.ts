import { readConfig } from './config.ts';
import { createLogger, redactText } from './logger.ts';
import { startService, type RunningService } from './service.ts';
import { watchFile, type FileWatch } from './watch.ts';

/**
 * `sipctx-policy-service`: configuration from `SIPCTX_CONFIG` and the environment (see README),
 * SIGHUP and, when `watch_policy`, a change of the policy file reload the policy (the old one stays
 * when the new one is invalid), SIGTERM/SIGINT stop gracefully. pino JSON lines on stdout.
 * Exit codes: 0 stopped, 78 bad configuration or policy (EX_CONFIG).
 */
const config = readConfig(process.env);
if (!config.ok) {
  process.stderr.write(
    `${JSON.stringify({ code: 'SERVICE_CONFIG', problems: config.problems })}\n`,
  );
  process.exit(78);
}
const settings = config.config;
const logger = createLogger({ level: settings.logLevel });

type ReloadResult = Awaited<ReturnType<RunningService['reload']>>;

/** Issues by path and message only: a policy's text never goes to the log. */
function logReload(trigger: string, r: ReloadResult): void {
  if (r.ok) {
    logger.info({ event: 'reload', trigger, outcome: 'ok', policy: r.name }, 'reload');
    return;
  }
  const issues = r.issues.map((i) => ({ path: i.path, message: redactText(i.message) }));
  logger.warn(
    { event: 'reload', trigger, outcome: 'invalid', message: redactText(r.message), issues },
    'reload',
  );
}

/** One reload at a time, in order: a SIGHUP and a file change together must not race. */
function reloader(service: RunningService): (trigger: string) => void {
  let last: Promise<void> = Promise.resolve();
  return (trigger) => {
    last = last
      .then(() => service.reload())
      .then(
        (r) => logReload(trigger, r),
        // Not expected (a bad file is an `invalid` result), but the chain must survive it.
        (e: unknown) =>
          logger.error({ event: 'reload', trigger, outcome: 'error', err: e }, 'reload'),
      );
  };
}

function watchPolicy(file: string, reload: (trigger: string) => void): FileWatch {
  const debounceMs = 200;
  const watch = watchFile(
    file,
    () => reload('file'),
    debounceMs,
    (e) => logger.error({ event: 'policy_watch', file, err: e }, 'policy_watch'),
  );
  logger.info({ event: 'policy_watch', file, debounce_ms: debounceMs }, 'policy_watch');
  return watch;
}

function run(service: RunningService): void {
  logger.info(
    {
      event: 'listening',
      rpc: service.rpcPort,
      http: service.httpPort,
      policy: service.policyName(),
    },
    'listening',
  );
  const reload = reloader(service);
  const watch = settings.watchPolicy ? watchPolicy(settings.policyFile, reload) : null;
  process.on('SIGHUP', () => reload('SIGHUP'));
  const stop = (signal: string) => {
    logger.info({ event: 'stopping', signal }, 'stopping');
    watch?.close();
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

startService(settings, process.env, { logger }).then(run, (e: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ code: 'SERVICE_START', message: (e as Error).message })}\n`,
  );
  process.exit(78);
});
