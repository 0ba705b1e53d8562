import { processIo } from './io.ts';
import { run } from './run.ts';

// A closed pipe (`sipctx parse x | head`) is not an error of ours: stop quietly.
process.stdout.on('error', () => process.exit(process.exitCode ?? 0));

process.exitCode = await run(process.argv.slice(2), processIo());
