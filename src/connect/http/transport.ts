import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

/**
 * The one HTTP transport of kcops: node:http(s) with a keep-alive pool per client, TLS with a private CA and a client
 * certificate (set once on the pool, not per request), and one timeout per exchange. It answers raw text: what the
 * body must look like is the caller's schema to check (response.ts), never guessed here.
 *
 * node:http rather than fetch because a private CA and a client certificate need per-client TLS options, which
 * the global fetch only offers through an extra dispatcher dependency.
 */
export interface TlsOptions {
  /** PEM text of the CA bundle that signed the server certificates. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** Only for local experiments; never the default. */
  insecureSkipVerify?: boolean;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One default for every client that is not given a timeout (kcops.yaml `timeout`, or a flag). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface HttpRequest {
  method: Method;
  url: URL;
  /** Sent as JSON when defined. */
  body?: unknown;
  /** Sent as it is, with its own content type (S3 objects, NDJSON): for the few calls whose body is not JSON. */
  raw?: { text: string; contentType: string };
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as received (UTF-8). */
  text: string;
  /** The content-type header, or '' when there is none. */
  contentType: string;
}

/**
 * Network-level failure (no HTTP status). `sent` says whether the request may have reached the server: false when
 * the connection or the TLS handshake never came about (refused, DNS, certificate), true once a connection stood
 * (a reset or a timeout then leaves it unknown whether the server acted on it).
 */
export type TransportErrorKind = 'refused' | 'reset' | 'timeout' | 'tls' | 'dns' | 'network';

export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: TransportErrorKind,
    readonly sent: boolean,
    readonly errno?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  tls?: TlsOptions | undefined;
  timeoutMs?: number | undefined;
}

export class HttpTransport {
  readonly timeoutMs: number;
  private readonly pooled: { http: HttpAgent; https: HttpsAgent };
  private readonly fresh: { http: HttpAgent; https: HttpsAgent };

  constructor(opts: TransportOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const t = opts.tls;
    const tls = t ? { ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: !t.insecureSkipVerify } : {};
    this.pooled = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true, ...tls }) };
    // Calls that must not be repeated get a connection of their own: a pooled socket the server closed while idle
    // would fail them in a way that leaves unknown whether they arrived.
    this.fresh = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false, ...tls }) };
  }

  send(req: HttpRequest, o: { reuseConnection?: boolean } = {}): Promise<RawResponse> {
    const payload = req.raw ? req.raw.text : req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (payload !== undefined) {
      headers['content-type'] = req.raw?.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const isHttps = req.url.protocol === 'https:';
    const agents = o.reuseConnection === false ? this.fresh : this.pooled;
    const timeoutMs = this.timeoutMs;
    return new Promise((resolve, reject) => {
      let connected = false;
      const r = (isHttps ? httpsRequest : httpRequest)(
        req.url,
        { method: req.method, headers, agent: isHttps ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e: NodeJS.ErrnoException) => reject(classify(e, true)));
          // A body cut short (the server died mid-answer) is an error, not a shorter body.
          res.on('aborted', () => reject(new TransportError('the answer was cut off', 'reset', true, 'ECONNRESET')));
          res.on('end', () => {
            if (!res.complete) return;
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              contentType: String(res.headers['content-type'] ?? ''),
            });
          });
        },
      );
      r.on('socket', (s: Socket) => {
        // A pooled socket is already connected (and no listener may pile up on it); a new one is once its (TLS)
        // handshake is done.
        if (r.reusedSocket) connected = true;
        else s.once(isHttps ? 'secureConnect' : 'connect', () => (connected = true));
      });
      r.setTimeout(timeoutMs, () =>
        r.destroy(new TransportError(`no answer within ${timeoutMs} ms`, 'timeout', connected, 'ETIMEDOUT')),
      );
      r.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof TransportError ? e : classify(e, connected)));
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }

  /** Releases the pooled sockets (idle ones do not keep the process alive, but a closed client holds nothing). */
  close(): void {
    for (const a of [this.pooled.http, this.pooled.https, this.fresh.http, this.fresh.https]) a.destroy();
  }
}

function classify(e: NodeJS.ErrnoException, connected: boolean): TransportError {
  const code = e.code;
  const kind: TransportErrorKind =
    code === 'ECONNREFUSED'
      ? 'refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'dns'
        : code === 'ETIMEDOUT'
          ? 'timeout'
          : code?.startsWith('ERR_TLS') ||
              code?.includes('CERT') ||
              code === 'EPROTO' ||
              code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
              /alert|certificate|handshake/i.test(e.message)
            ? 'tls'
            : code === 'ECONNRESET' || code === 'EPIPE' || e.message === 'socket hang up'
              ? 'reset'
              : 'network';
  // A TLS failure ends the handshake, so nothing was sent; a reset during the handshake did not send either.
  const sent = kind === 'refused' || kind === 'dns' || kind === 'tls' ? false : connected;
  return new TransportError(e.message, kind, sent, code, { cause: e });
}

/** What happened, in words a person can check against (the errno in brackets for searching). */
export function describeTransportError(e: TransportError): string {
  const errno = e.errno ? ` (${e.errno})` : '';
  switch (e.kind) {
    case 'refused':
      return `refused the connection${errno}`;
    case 'reset':
      return `closed the connection before answering${errno}`;
    case 'timeout':
      return `did not answer in time: ${e.message}`;
    case 'tls':
      return `failed the TLS handshake: ${e.message}`;
    case 'dns':
      return `could not be resolved${errno}`;
    default:
      return `could not be reached: ${e.message}${errno}`;
  }
}

/** The URL without credentials (user:password@) for messages. */
export function safeUrl(url: URL | string): string {
  const u = new URL(String(url));
  u.username = '';
  u.password = '';
  return u.toString();
}
