#!/usr/bin/env bash
# `npm run demo`: with `npm start` running (in another terminal), places one call with sipp through
# Kamailio and shows the INVITE's headers as the carrier sent them and as the agent side received
# them (+ added, - removed), then the call context the service keeps for it (`sipctx context`).
#
#   SIPCTX_SIP_PORT   Kamailio's SIP port (default 5060), as given to npm start
#   SIPCTX_HTTP_PORT  the service's HTTP port (default 8091), as given to npm start
#   SIPCTX_DEMO_CALLEE / SIPCTX_DEMO_CALLER   the numbers (default +15557654321 / +15551234567)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

sip_port=${SIPCTX_SIP_PORT:-5060}
http_port=${SIPCTX_HTTP_PORT:-8091}
callee=${SIPCTX_DEMO_CALLEE:-+15557654321}
caller=${SIPCTX_DEMO_CALLER:-+15551234567}

command -v sipp >/dev/null || die "sipp is not installed: run \`npm start\` first (it installs sip-tester)"
node -e "fetch('http://127.0.0.1:$http_port/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" ||
  die "the policy service does not answer on 127.0.0.1:$http_port: start it with \`npm start\` (same SIPCTX_* ports)"

dir=$(mktemp -d)
uas_pid=
cleanup() {
  [ -n "$uas_pid" ] && kill "$uas_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() {
  # write, not console.log: with FORCE_COLOR set (test runners set it) a logged number is coloured
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}
uas_port=$(free_port)
uac_port=$(free_port)

step "the agent side: sipp UAS on 127.0.0.1:$uas_port"
sipp -sf kamailio/sipp/uas.xml -i 127.0.0.1 -p "$uas_port" -m 1 -nostdin -timeout 20s \
  -trace_msg -message_file "$dir/agent.log" >"$dir/uas.out" 2>&1 &
uas_pid=$!
sleep 0.3

step "the carrier side: one call from $caller to $callee through Kamailio on 127.0.0.1:$sip_port"
sed "s/+15551234567/$caller/g" kamailio/sipp/uac.xml >"$dir/uac.xml"
if ! sipp "127.0.0.1:$uas_port" -rsa "127.0.0.1:$sip_port" -sf "$dir/uac.xml" -s "$callee" \
  -i 127.0.0.1 -p "$uac_port" -m 1 -nostdin -timeout 15s -trace_msg -message_file "$dir/carrier.log" >"$dir/uac.out" 2>&1; then
  tail -n 30 "$dir/uac.out" >&2
  die "the call failed: is \`npm start\` running with SIPCTX_SIP_PORT=$sip_port?"
fi
wait "$uas_pid" 2>/dev/null || true
uas_pid=

node scripts/lib/demo-diff.mjs "$dir/carrier.log" "$dir/agent.log" >"$dir/diff.txt"
cat "$dir/diff.txt"
call_id=$(sed -n 's/^call-id: //p' "$dir/diff.txt" | head -n 1)

step "the call context the service keeps (sipctx context $call_id)"
node apps/cli/bin/sipctx.js context "$call_id" --service "127.0.0.1:$http_port"
