import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MonitorMetrics } from './metrics.js';
import type { Health } from './service.js';

/**
 * The monitor's HTTP face for containers and Prometheus: `/healthz` (the loop turns: restart me if not), `/readyz`
 * (this instance holds the lease and its last round succeeded) and `/metrics`. Nothing else is served; nothing here
 * changes state, and no answer carries a secret.
 */
export async function serveMonitor(
  listen: { host: string; port: number },
  health: () => Health,
  metrics: MonitorMetrics,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const h = health();
      const ok = path === '/healthz' ? h.live : h.ready;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h) + '\n');
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /healthz, /readyz, /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
