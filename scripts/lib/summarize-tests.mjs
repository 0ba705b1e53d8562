// Sums the vitest JSON reports every project writes to <project>/test-output/vitest-report.json and
// prints the one closing line CI reads: "N passed, N failed" (", N skipped" when any were skipped).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['libs', 'apps'].flatMap((d) =>
  existsSync(d) ? readdirSync(d).map((p) => join(d, p)) : [],
);
roots.push('test');
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const root of roots) {
  const file = join(root, 'test-output', 'vitest-report.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const p = r.numPassedTests ?? 0;
  const f = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  passed += p;
  failed += f;
  skipped += s;
  lines.push(
    `  ${root.padEnd(24)} ${String(p).padStart(5)} passed ${String(f).padStart(3)} failed`,
  );
}
console.log('\nTests by project:');
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
