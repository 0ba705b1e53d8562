import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SipctxMetrics } from '@sipctx/metrics';
import type jayson from 'jayson';

/**
 * The HTTP side: JSON-RPC at `POST /rpc` (the same methods Kamailio calls), Prometheus at
 * `GET /metrics`, `GET /healthz` (the process answers) and `GET /readyz` (a policy is loaded and
 * the listeners are up). Bodies are bounded; anything else is 404/405/413.
 */

const MAX_BODY = 1024 * 1024;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

export function createHttpServer(
  methods: jayson.Server,
  metrics: SipctxMetrics,
  ready: () => boolean,
): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      return ready()
        ? send(res, 200, 'text/plain', 'ready\n')
        : send(res, 503, 'text/plain', 'not ready\n');
    }
    if (path === '/metrics') {
      void metrics.registry
        .metrics()
        .then((text) => send(res, 200, metrics.registry.contentType, text));
      return;
    }
    if (path !== '/rpc') return send(res, 404, 'text/plain', 'not found\n');
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST JSON-RPC to /rpc\n');
    void readBody(req).then((body) => {
      if (body === null) return send(res, 413, 'text/plain', 'body too large\n');
      methods.call(body, (error, response) => {
        const answer = error ?? response;
        if (answer === undefined) return send(res, 204, 'text/plain', '');
        send(res, 200, 'application/json', JSON.stringify(answer));
      });
    });
  });
}
