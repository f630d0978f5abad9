/** A small JSON-over-HTTP helper with basic auth and a hard timeout (global fetch, i.e. undici). */
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
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.auth) headers.authorization = basicAuthHeader(init.auth);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export function basicAuthHeader(a: BasicAuth): string {
  return 'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64');
}
