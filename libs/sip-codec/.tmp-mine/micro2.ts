import { readFileSync } from 'node:fs';
import { parseMessage } from '../src/message.ts';
import { splitList } from '../src/split-list.ts';
const text = readFileSync(import.meta.dirname + '/../bench/fixtures/carrier-invite.sip').toString('utf8');
const r = parseMessage(text); if (!r.ok) throw 1;
const vals = r.value.headers.filter(h => h.value.includes(',')).map(h => h.value);
const flat = vals.map(v => (' ' + v).slice(1)).map(v => { const a = [...v].join(''); return a; });
function bench(label: string, f: () => unknown) {
  let best = Infinity;
  for (let k = 0; k < 7; k++) {
    const n = 50000; const t = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, (performance.now() - t) * 1000 / n);
  }
  console.log(label, best.toFixed(2), 'us');
}
console.log(vals.map(v=>v.length));
bench('split sliced', () => { for (const v of vals) splitList(v); });
bench('split flat', () => { for (const v of flat) splitList(v); });
bench('full', () => parseMessage(text));
