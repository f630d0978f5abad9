import type { FakeConfluentCloud } from './server.js';

/** The logs search API and its token exchange (SPEC.md, "Logs search API"). */

/** Token exchange (Cloud key → data-plane token) and the logs search API (bearer token only). */
export function logging(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  body: unknown,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
): void {
  if (method !== 'POST') return answer(404, { error: 'Not Found' });
  if (url.pathname === '/api/access_tokens') {
    const expected = 'Basic ' + Buffer.from(`${cloud.apiKey}:${cloud.apiSecret}`).toString('base64');
    if (authorization !== expected) return answer(401, { token: '', error: 'Unauthorized' });
    const token = `dp-${cloud.tokens.size + 1}`;
    cloud.tokens.add(token);
    return answer(200, { token, error: '' });
  }
  // The search API refuses basic auth: "Credentials are required to access this resource".
  if (!authorization?.startsWith('Bearer ') || !cloud.tokens.has(authorization.slice(7))) return answer(401);
  const b = (body ?? {}) as {
    crn?: string;
    search?: { level?: string[]; search_text?: string; id?: string };
    start_time?: string;
    end_time?: string;
  };
  const crn = b.crn ?? '';
  // What the Confluent CLI sends and nothing else (SPEC.md, "Logs search API"): the connector's lcc- id beside its
  // CRN, and levels among INFO/WARN/ERROR. The real service's answer to anything else is not documented: 400 here.
  const named = cloud.connectors.get(/\/connector=([^/]+)$/.exec(crn)?.[1] ?? '');
  if (!b.search?.id || (named && b.search.id !== named.id))
    return answer(400, { error: { code: 400, message: `search.id must be the connector id of ${crn}` } });
  const badLevel = (b.search.level ?? []).find((l) => !['INFO', 'WARN', 'ERROR'].includes(l));
  if (badLevel) return answer(400, { error: { code: 400, message: `invalid log level: ${badLevel}` } });
  const now = Date.now();
  const recent = (cloud.searches.get(crn) ?? []).filter((t) => now - t < 60_000);
  if (recent.length >= cloud.logsPerMinute)
    return answer(429, undefined, { 'Retry-After': String(Math.ceil((60_000 - (now - recent[0]!)) / 1000)) });
  recent.push(now);
  cloud.searches.set(crn, recent);
  const name = /\/connector=([^/]+)$/.exec(crn)?.[1] ?? '';
  const from = Date.parse(b.start_time ?? '');
  const to = Date.parse(b.end_time ?? '');
  const text = b.search?.search_text;
  const all = (cloud.logs.get(name) ?? [])
    .filter((r) => !b.search?.level || b.search.level.includes(r.level))
    .filter(
      (r) =>
        (Number.isNaN(from) || Date.parse(r.timestamp) >= from) && (Number.isNaN(to) || Date.parse(r.timestamp) <= to),
    )
    .filter((r) => !text || new RegExp(text).test(r.message))
    .sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp));
  const size = Math.min(Number(url.searchParams.get('page_size') ?? 100), 200);
  const offset = Number(url.searchParams.get('page_token') ?? 0);
  const data = all.slice(offset, offset + size).map((r) => ({ ...r, id: cloud.connectors.get(name)?.id ?? '' }));
  const metadata =
    offset + size < all.length ? { next: `${cloud.url}/logs/v1/search?page_token=${offset + size}` } : {};
  answer(200, { api_version: 'v1', kind: 'LoggingSearchResponse', data, metadata });
}
