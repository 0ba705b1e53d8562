// The benchmark's "glue" mode: the same netstring JSON-RPC server (libs/rpc, built) answering
// policy.evaluate with a constant decision (three headers and a Diversion entry, as the bench
// policy adds) without parsing the message or running the engine. With it, the benchmark splits
// the sidecar's cost into Kamailio + janssonrpcc + transport (this) and the engine (the rest).
// Usage: node test/bench/glue-service.mjs <port> <http-port>   (HTTP answers /readyz only)
import { createServer } from 'node:http';
import jayson from 'jayson';
import { createNetstringRpcServer } from '../../libs/rpc/dist/index.js';

const [port, httpPort] = process.argv.slice(2).map(Number);
const decision = {
  remove: 'X-Remove-Me',
  append:
    'X-Sipctx-Flow: vip_support_flow\r\nX-Agent-Customer: cust-67890\r\nX-Call-Type: Support\r\n' +
    'Diversion: <sip:+15557654321@sipctx.invalid>;reason=unconditional;counter=1\r\n',
  ruri: '',
  duri: '',
  transport: '',
  code: 0,
  reason: '',
};
const methods = new jayson.Server({
  'policy.evaluate': (_params, cb) => cb(null, decision),
  'context.end': (_params, cb) => cb(null, {}),
});
createNetstringRpcServer(methods).listen(port, '127.0.0.1');
createServer((_req, res) => res.end('ready\n')).listen(httpPort, '127.0.0.1');
