#!/usr/bin/env bash
# `npm start`: runs the product on this machine, in the foreground: the policy service with the
# example policy, and Kamailio in front of it (kamailio/kamailio.cfg), both on loopback. Installs
# what is missing and builds first. Ctrl-C (or SIGTERM) stops both; if either stops, so does the
# other.
#
#   SIPCTX_POLICY     the policy file (default libs/policy/examples/generic.yaml)
#   SIPCTX_SIP_PORT   Kamailio's SIP port, UDP and TCP (default 5060)
#   SIPCTX_RPC_PORT   the service's netstring JSON-RPC port for Kamailio (default 8090)
#   SIPCTX_HTTP_PORT  the service's HTTP port: /rpc, /metrics, /healthz (default 8091)
#   SIPCTX_ADMIN_PORT Kamailio's admin HTTP port: /RPC, /metrics (default 5071; UDP RPC on +1)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

ensure_node
ensure_npm_packages
ensure_debian_packages

policy=${SIPCTX_POLICY:-libs/policy/examples/generic.yaml}
sip_port=${SIPCTX_SIP_PORT:-5060}
rpc_port=${SIPCTX_RPC_PORT:-8090}
http_port=${SIPCTX_HTTP_PORT:-8091}
admin_port=${SIPCTX_ADMIN_PORT:-5071}

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
step "build"
npx nx run-many -t build --outputStyle=static >/dev/null

step "check $policy"
node apps/cli/bin/sipctx.js check "$policy" || die "the policy does not load: fix it (sipctx check lists every problem)"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

step "policy service on 127.0.0.1:$rpc_port (netstring JSON-RPC) and 127.0.0.1:$http_port (HTTP)"
SIPCTX_POLICY="$policy" SIPCTX_RPC_LISTEN="127.0.0.1:$rpc_port" SIPCTX_HTTP_LISTEN="127.0.0.1:$http_port" \
  node apps/policy-service/bin/sipctx-policy-service.js &
pids+=("$!")
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the policy service did not start (see above)"
  sleep 0.1
done

step "kamailio on udp/tcp 127.0.0.1:$sip_port"
kamailio -f kamailio/kamailio.cfg -DD -E \
  -A "SIPCTX_LISTEN=udp:127.0.0.1:$sip_port" -A "SIPCTX_LISTEN_TCP=tcp:127.0.0.1:$sip_port" \
  -A "SIPCTX_RPC_SERVER=\"conn=policy;addr=127.0.0.1;port=$rpc_port;priority=10;weight=10\"" \
  -A "SIPCTX_RPC_NOTIFY=\"conn=notify;addr=127.0.0.1;port=$rpc_port;priority=10;weight=10\"" \
  -A "SIPCTX_ADMIN_PORT=$admin_port" -A "SIPCTX_ADMIN_RPC_UDP=\"udp:127.0.0.1:$((admin_port + 1))\"" &
pids+=("$!")

cat <<TXT

sipctx is running (service pid ${pids[0]}, kamailio pid ${pids[1]}).
  SIP:      udp and tcp 127.0.0.1:$sip_port; initial INVITEs go through the policy
  metrics:  curl http://127.0.0.1:$http_port/metrics   (the service)
            curl http://127.0.0.1:$admin_port/metrics  (Kamailio; its RPC at /RPC)
  dry run:  npx sipctx eval --policy $policy --source 127.0.0.1 libs/sip-codec/test-data/carrier/invite-polyai.sip
  demo:     SIPCTX_SIP_PORT=$sip_port SIPCTX_HTTP_PORT=$http_port npm run demo   (in another terminal:
            one sipp call, its headers before and after the policy, and its stored context)
  context:  npx sipctx context <call-id> --service 127.0.0.1:$http_port
  a call:   sipp -sf kamailio/sipp/uas.xml -i 127.0.0.1 -p 5080 -m 1 -trace_msg &   # the agent side
            sipp 127.0.0.1:5080 -rsa 127.0.0.1:$sip_port -sf kamailio/sipp/uac.xml -s +15557654321 -i 127.0.0.1 -p 5090 -m 1
            (the agent side writes what it received, headers included, to uas_*_messages.log)
Ctrl-C stops both.
TXT

# Whichever stops first takes the other down with it.
wait -n "${pids[@]}" || true
