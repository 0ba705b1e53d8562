// The INVITE as the carrier sent it (sipp UAC trace) against the INVITE the agent side received
// (sipp UAS trace): every header line, marked "+" when only the agent side has it, "-" when the
// proxy took it away, " " when it arrived as sent. Via, Record-Route and Max-Forwards are the
// proxy's own and shown as such. Usage: node demo-diff.mjs carrier.log agent.log
import { readFileSync } from 'node:fs';

function firstInvite(file) {
  const text = readFileSync(file, 'utf8').replace(/\r/g, '');
  const start = text.search(/^INVITE sip:/m);
  if (start === -1) throw new Error(`no INVITE in ${file}`);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end).split('\n');
}

const [carrierFile, agentFile] = process.argv.slice(2);
const sent = firstInvite(carrierFile);
const got = firstInvite(agentFile);
const PROXY = /^(via|record-route|max-forwards):/i;
const sentSet = new Set(sent.slice(1));
const gotSet = new Set(got.slice(1));
const callId = sent.find((l) => /^call-id:/i.test(l))?.replace(/^call-id:\s*/i, '') ?? '';

console.log(`\nRequest-URI  sent: ${sent[0]}\n         received: ${got[0]}\n`);
console.log("headers (+ added by the policy, - removed, ~ the proxy's own, = as sent):");
for (const line of got.slice(1)) {
  const mark = sentSet.has(line) ? '=' : PROXY.test(line) ? '~' : '+';
  console.log(`  ${mark} ${line}`);
}
for (const line of sent.slice(1)) {
  if (!gotSet.has(line) && !PROXY.test(line)) console.log(`  - ${line}`);
}
console.log(`\ncall-id: ${callId}`);
