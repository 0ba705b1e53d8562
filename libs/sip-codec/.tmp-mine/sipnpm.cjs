const sip = require('sip');
const fs = require('fs');
const text = fs.readFileSync(__dirname + '/../bench/fixtures/carrier-invite.sip', 'utf8');
for (let i = 0; i < 20000; i++) sip.parse(text);
let best=Infinity; for (let k=0;k<9;k++){ const n = 30000; const t = performance.now();
for (let i = 0; i < n; i++) sip.parse(text);
best=Math.min(best,(performance.now() - t) * 1000 / n);} const us=best;
console.log('sip', us.toFixed(2), 'us/msg', Math.round(1e6 / us));
