import { readFileSync } from 'node:fs';
import { parseMessage } from '../src/message.ts';
const buf = readFileSync(import.meta.dirname + '/../bench/fixtures/carrier-invite.sip');
const text = process.env.FLAT ? new TextDecoder().decode(buf) : buf.toString('utf8');
for (const s of [false, true]) {
  const r = parseMessage(text, { strict: s });
  console.log(s, r.ok ? r.value.headers.length + ' ' + r.value.body.length + ' ' + r.value.discardedBytes : r.error);
  const rb = parseMessage(new Uint8Array(buf), { strict: s });
  console.log(s, rb.ok ? rb.value.headers.length + ' ' + rb.value.body.length : rb.error);
}
const r = parseMessage(text);
if (r.ok) console.log(r.value.headers.slice(0,3), r.value.headers.find(h=>h.name==='Diversion' && h.values.length>1));
function bench(label: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  let best = Infinity;
  for (let k = 0; k < 9; k++) {
    const n = 30000; const t = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, (performance.now() - t) * 1000 / n);
  }
  console.log(label, best.toFixed(2), 'us/msg', Math.round(1e6/best), 'msg/s');
}
const bytes = new Uint8Array(buf);
bench('tolerant text', () => parseMessage(text));
bench('strict text', () => parseMessage(text, { strict: true }));
bench('tolerant bytes', () => parseMessage(bytes));
bench('strict bytes', () => parseMessage(bytes, { strict: true }));
