import type { IncomingHttpHeaders } from 'node:http';
import { lenientBody } from '../http/response.js';
import { HttpTransport, type Method, type TlsOptions } from '../http/transport.js';

export type { TlsOptions } from '../http/transport.js';
export { TransportError } from '../http/transport.js';

/**
 * One exchange on the shared transport (http/transport.ts) for a probe that only looks at the status and the body
 * (doctor): no retries, a connection of its own, the body as JSON when it is JSON.
 */
export interface TransportRequest {
  method: Method;
  url: URL;
  body?: unknown;
  authorization?: string;
  timeoutMs: number;
  tls?: TlsOptions;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export async function send(req: TransportRequest): Promise<TransportResponse> {
  const transport = new HttpTransport({ tls: req.tls, timeoutMs: req.timeoutMs });
  try {
    const res = await transport.send(
      {
        method: req.method,
        url: req.url,
        ...(req.body === undefined ? {} : { body: req.body }),
        ...(req.authorization ? { headers: { authorization: req.authorization } } : {}),
      },
      { reuseConnection: false },
    );
    return { status: res.status, headers: res.headers, body: lenientBody(res) };
  } finally {
    transport.close();
  }
}
