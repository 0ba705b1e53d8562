#!/usr/bin/env bash
# `npm start`: runs the product on this machine. Installs what is missing and builds first.
#
# The policy service and kamailio.cfg land with issue 5; until then this builds the workspace and
# shows the sipctx CLI (codec and policy engine) on an example carrier INVITE, so a fresh clone
# shows something real.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

ensure_node
ensure_npm_packages

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
step "build"
npx nx run-many -t build --outputStyle=static >/dev/null

example=libs/sip-codec/test-data/carrier/invite-polyai.sip
step "sipctx header Diversion (an RFC 5806 chain)"
npx sipctx header Diversion \
  '<sip:+15559876543@acmebank.example>;reason=unconditional;privacy=off;counter=1;brand=AcmeBank' \
  '<sip:+12065550100@pbx.example>;reason=no-answer'
step "sipctx convert --to history-info (RFC 7544)"
npx sipctx convert --to history-info --request-uri 'sip:+12065551234@voice.example.com' \
  '<sip:+15559876543@acmebank.example>;reason=unconditional;counter=1'
if [ -f "$example" ]; then
  step "sipctx parse $example (first lines)"
  npx sipctx parse "$example" | head -40 || true
  step "sipctx check libs/policy/examples/polyai-routing.yaml"
  npx sipctx check libs/policy/examples/polyai-routing.yaml
  step "sipctx eval: the example INVITE through that policy (headers added at the end)"
  npx sipctx eval --policy libs/policy/examples/polyai-routing.yaml --source 10.1.2.3 \
    --output message "$example" | tr -d '\r' | sed -n '/^X-Caller-ID/,/^$/p' || true
fi
cat <<TXT

The policy service and Kamailio are not part of this build yet: 'npx sipctx --help' lists what the
CLI does today, and 'npm test' runs every test.
TXT
