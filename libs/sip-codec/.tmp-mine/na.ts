import { parseNameAddr, parseNameAddrList } from '../src/name-addr.ts';
const from = new TextDecoder().decode(new TextEncoder().encode('"Acme Bank" <sip:+14155550199@caller.net;user=phone>;tag=9fxced76sl'));
const to = '<sip:+12065551234@voice.example.com;user=phone>' + ''.padEnd(0);
const contact = '<sip:+14155550199@198.51.100.20:5060;transport=udp>' + ''.padEnd(0);
function bench(label: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  let best = Infinity;
  for (let k = 0; k < 9; k++) { const n = 30000; const t = performance.now(); for (let i = 0; i < n; i++) f(); best = Math.min(best, (performance.now() - t) * 1000 / n); }
  console.log(label, best.toFixed(2), 'us');
}
bench('from+to+contact tolerant', () => { parseNameAddr(from); parseNameAddr(to); parseNameAddrList(contact); });
