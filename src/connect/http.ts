import { lenientBody } from './http/response.js';
import { HttpTransport, type Method } from './http/transport.js';

/**
 * A single JSON exchange on the shared transport (http/transport.ts) for probes that judge the answer themselves (the
 * dev stack's readiness and status checks, doctor): no retries, the body as JSON when it is JSON, else its text.
 */
export interface BasicAuth {
  username: string;
  password: string;
}

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function httpJson<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; auth?: BasicAuth; timeoutMs?: number } = {},
): Promise<HttpResponse<T>> {
  const transport = new HttpTransport({ timeoutMs: init.timeoutMs ?? 10_000 });
  try {
    const res = await transport.send(
      {
        // Callers pass REST verbs as strings (test helpers too); node rejects anything else.
        method: (init.method ?? 'GET') as Method,
        url: new URL(url),
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.auth ? { headers: { authorization: basicAuthHeader(init.auth) } } : {}),
      },
      { reuseConnection: false },
    );
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    return { status: res.status, body: (lenientBody(res) ?? '') as T, headers };
  } finally {
    transport.close();
  }
}

export function basicAuthHeader(a: BasicAuth): string {
  return 'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64');
}
