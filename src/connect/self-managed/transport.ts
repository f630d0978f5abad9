import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange with a Connect worker over node:http(s), because TLS with a private CA or a client certificate
 * needs per-request `ca`/`cert`/`key`, which the global fetch only offers through an extra dispatcher dependency.
 */
export interface TlsOptions {
  /** PEM text of the CA bundle that signed the workers' certificates. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** Only for local experiments; never the default. */
  insecureSkipVerify?: boolean;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

/** Network-level failure (no HTTP status): refused, DNS, TLS, reset, or our own timeout. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'tls' | 'dns' | 'network',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export function send(req: TransportRequest): Promise<TransportResponse> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.authorization) headers.authorization = req.authorization;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const isHttps = req.url.protocol === 'https:';
  const tls =
    isHttps && req.tls
      ? { ca: req.tls.ca, cert: req.tls.cert, key: req.tls.key, rejectUnauthorized: !req.tls.insecureSkipVerify }
      : {};
  return new Promise((resolve, reject) => {
    const r = (isHttps ? httpsRequest : httpRequest)(req.url, { method: req.method, headers, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new TransportError(e.message, 'network', { cause: e })));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if (text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    r.setTimeout(req.timeoutMs, () => r.destroy(new TransportError(`no answer within ${req.timeoutMs} ms`, 'timeout')));
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof TransportError) return reject(e);
      reject(new TransportError(e.message, classify(e), { cause: e }));
    });
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

function classify(e: NodeJS.ErrnoException): TransportError['kind'] {
  if (e.code === 'ECONNREFUSED') return 'refused';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'dns';
  if (e.code === 'ETIMEDOUT') return 'timeout';
  if (e.code?.startsWith('ERR_TLS') || e.code?.includes('CERT') || e.code === 'EPROTO') return 'tls';
  return 'network';
}
