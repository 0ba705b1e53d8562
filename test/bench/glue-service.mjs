// The benchmark's "glue" mode: netstring JSON-RPC through jayson, as the service speaks it,
// answering policy.evaluate with a constant decision (three headers and a Diversion entry, as
// the bench policy adds) without parsing the message or running the engine. With it, the
// benchmark splits the sidecar's cost into Kamailio + janssonrpcc + transport (this) and the
// engine (the rest). The framing is written out here: e2e code imports no project's code.
// Usage: node test/bench/glue-service.mjs <port> <http-port>   (HTTP answers /readyz only)
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import jayson from 'jayson';

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
createTcpServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const colon = pending.indexOf(0x3a);
      if (colon === -1) return;
      const length = Number(pending.subarray(0, colon).toString('latin1'));
      if (pending.length < colon + 1 + length + 1) return;
      const frame = pending.subarray(colon + 1, colon + 1 + length).toString('utf8');
      pending = pending.subarray(colon + 2 + length);
      methods.call(frame, (error, response) => {
        const answer = error ?? response;
        if (answer === undefined) return; // a notification
        const json = JSON.stringify(answer);
        socket.write(`${Buffer.byteLength(json)}:${json},`);
      });
    }
  });
  socket.on('error', () => socket.destroy());
}).listen(port, '127.0.0.1');
createServer((_req, res) => res.end('ready\n')).listen(httpPort, '127.0.0.1');
