import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * pino JSON lines for the service. Numbers and header values are personal data and must never
 * reach a log: keys that carry them are censored wherever they appear (up to three levels down),
 * and free text (error messages) goes through `redactText`, which hides every run of 4+ digits.
 */

/** Keys whose values are numbers, header values or SIP text. `dropped` is absent on purpose: it is a count. */
export const REDACTED_KEYS = [
  'caller_number',
  'callee_number',
  'original_called_number',
  'number',
  'from',
  'to',
  'pai',
  'ppi',
  'diversion',
  'history_info',
  'contact',
  'ruri',
  'uri',
  'value',
  'values',
  'before',
  'after',
  'headers',
  'sip_headers',
  'msg_text',
  'sip_message',
  'body',
  'params',
  'variables',
  'state',
] as const;

export const CENSOR = '[redacted]';

/** `key`, `*.key`, `*.*.key`, `*.*.*.key`: pino's `*` matches one level (an array index too). */
function redactPaths(keys: readonly string[], depth: number): string[] {
  return keys.flatMap((key) =>
    Array.from({ length: depth + 1 }, (_, d) => `${'*.'.repeat(d)}${key}`),
  );
}

/** Phone numbers in free text: 4+ digits in a row (shorter runs are codes, ports, counts). */
export function redactText(text: string): string {
  return text.replace(/\d{4,}/g, CENSOR);
}

export function createLogger(options: {
  readonly level: string;
  readonly destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'sipctx-policy-service' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A level name reads better than 30 in `journalctl` and log queries.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(REDACTED_KEYS, 3), censor: CENSOR },
      serializers: { err: redactError },
    },
    // Synchronous stdout: a line written just before process.exit (stopping, bad policy) is kept.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** pino's error serializer, with the message and stack made safe: they may quote a number. */
function redactError(e: Error): Record<string, unknown> {
  const s = pino.stdSerializers.err(e);
  return { ...s, message: redactText(s.message), stack: redactText(s.stack) };
}

export interface EvaluationLogEntry {
  readonly callId: string | null;
  readonly method: string;
  readonly inDialog: boolean;
  readonly outcome: 'ok' | 'rejected' | 'error';
  readonly rules?: readonly string[];
  readonly flow?: string | null;
  readonly edits?: number;
  readonly dropped?: number;
  readonly code?: string;
  readonly message?: string;
  readonly ms: number;
}

/**
 * One line per `policy.evaluate`: `event: "evaluate"` with the Call-ID (to find the call in
 * Kamailio's log), what was decided, and how long it took. Absent optional fields are left out.
 * Decisions are `debug` (one per request: thousands a second under load), rejects `info`, and
 * errors `warn`: the call went on, but the message or the store was not what was expected.
 */
export function logEvaluation(logger: Logger, entry: EvaluationLogEntry): void {
  const line = {
    event: 'evaluate',
    call_id: entry.callId,
    sip_method: entry.method,
    in_dialog: entry.inDialog,
    outcome: entry.outcome,
    rules: entry.rules,
    flow: entry.flow,
    edits: entry.edits,
    dropped: entry.dropped,
    code: entry.code,
    message: entry.message === undefined ? undefined : redactText(entry.message),
    ms: entry.ms,
  };
  // A decision per call is routine: debug. A reject is worth seeing at info, an error at warn.
  if (entry.outcome === 'error') logger.warn(line, 'evaluate');
  else if (entry.outcome === 'rejected') logger.info(line, 'evaluate');
  else logger.debug(line, 'evaluate');
}
