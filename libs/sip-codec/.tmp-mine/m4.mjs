import { readFileSync } from 'node:fs';
const buf = readFileSync(new URL('../bench/fixtures/carrier-invite.sip', import.meta.url));
const bytes = new Uint8Array(buf).subarray(0, 1620);
const df = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const dn = new TextDecoder('utf-8', { ignoreBOM: true });
function bench(label,f){let best=Infinity;for(let k=0;k<7;k++){const n=50000;const t=performance.now();for(let i=0;i<n;i++)f();best=Math.min(best,(performance.now()-t)*1000/n);}console.log(label,best.toFixed(3),'us');}
bench('fatal', () => df.decode(bytes));
bench('nonfatal', () => dn.decode(bytes));
bench('buffer utf8', () => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
bench('buffer latin1', () => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
const all = new Uint8Array(buf);
function headEnd(bytes) {
  let i = 0;
  while (bytes[i] === 0x0d || bytes[i] === 0x0a) i++;
  for (;;) {
    const nl = bytes.indexOf(0x0a, i);
    if (nl === -1) return bytes.length;
    if (bytes[nl + 1] === 0x0a) return nl + 2;
    if (bytes[nl + 1] === 0x0d && bytes[nl + 2] === 0x0a) return nl + 3;
    i = nl + 1;
  }
}
bench('headEnd', () => headEnd(all));
bench('slice body', () => all.slice(1627));
bench('subarray', () => all.subarray(0, 1627));
