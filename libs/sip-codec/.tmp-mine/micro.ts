import { readFileSync } from 'node:fs';
import { parseMessage } from '../src/message.ts';
import { splitList } from '../src/split-list.ts';
const text = readFileSync(import.meta.dirname + '/../bench/fixtures/carrier-invite.sip').toString('utf8');
const r = parseMessage(text); if (!r.ok) throw 1;
const vals = r.value.headers.filter(h => h.value.includes(',')).map(h => h.value);
function bench(label: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  const n = 200000; const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(label, ((performance.now() - t) * 1000 / n).toFixed(2), 'us');
}
bench('split 4 values', () => { for (const v of vals) splitList(v); });
bench('indexOf lines', () => { let p = 0, c = 0; for (;;) { const nl = text.indexOf('\n', p); if (nl < 0) break; p = nl + 1; c++; } return c; });
bench('full', () => parseMessage(text));
bench('encode', () => new TextEncoder().encode(text.slice(1600)));
