import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Doc = Record<string, unknown>;
type Query = Record<string, unknown>;

class SearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * An Elasticsearch stand-in for `POST|GET /{index}/_search`, following the documented request and response:
 * 1. Index expressions are comma-separated names or `*` patterns; a concrete name that does not exist is
 *    `404 index_not_found_exception`, a pattern that matches nothing gives no hits (allow_no_indices).
 * 2. Query DSL subset: `bool` (filter, must, should with minimum_should_match, must_not), `term` on a keyword,
 *    `match_phrase` (standard-analyzer-like: lower-cased alphanumeric tokens, consecutive), `range` (gt/gte/lt/lte,
 *    `format: epoch_millis` or ISO dates) on a date field, `match_all`. Anything else is `400 parsing_exception`.
 * 3. `sort` as `[{field: {order, unmapped_type}}]`; date sort values are epoch milliseconds; `size` (default 10, at
 *    most 10,000: `illegal_argument_exception` "Result window is too large"); `search_after` must have as many
 *    values as `sort`. `from` together with `search_after` is rejected as it is by Elasticsearch.
 * 4. Answers `{took, timed_out, _shards, hits: {total, max_score, hits: [{_index, _id, _score, _source, sort}]}}`;
 *    `_source` as a list of fields is honoured (dotted paths into objects).
 * 5. Security: with `users` or `apiKeys` set, `Authorization: Basic` / `ApiKey` is required
 *    (`401 security_exception` with `WWW-Authenticate`), and `forbidden` users get `403 security_exception`.
 * 6. `unavailable`: index name -> how many more searches of it answer `503 search_phase_execution_exception`
 *    "all shards failed" with no root cause, as a real node does while a new index's primary shard starts.
 * Errors are `{"error": {"root_cause": [...], "type", "reason"}, "status"}`.
 */
export class FakeElasticsearch {
  readonly indices = new Map<string, { id: string; doc: Doc }[]>();
  readonly calls: { path: string; body: Query; authorization?: string }[] = [];
  users: Record<string, string> | undefined;
  apiKeys: string[] | undefined;
  forbidden = new Set<string>();
  readonly unavailable = new Map<string, number>();
  private server: Server | undefined;
  private seq = 0;

  index(index: string, doc: Doc): string {
    const list = this.indices.get(index) ?? [];
    const id = `doc-${++this.seq}`;
    list.push({ id, doc });
    this.indices.set(index, list);
    return id;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        const fail = (e: SearchError, headers: Record<string, string> = {}) =>
          reply(
            e.status,
            {
              error: { root_cause: [{ type: e.type, reason: e.message }], type: e.type, reason: e.message },
              status: e.status,
            },
            headers,
          );
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        let body: Query = {};
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          body = text ? (JSON.parse(text) as Query) : {};
        } catch {
          return fail(new SearchError(400, 'parse_exception', 'request body is not valid JSON'));
        }
        const authorization = req.headers.authorization;
        this.calls.push({ path, body, ...(authorization ? { authorization } : {}) });
        const principal = this.authenticate(authorization);
        if (principal === null) {
          return fail(
            new SearchError(401, 'security_exception', `unable to authenticate user for REST request [${path}]`),
            { 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' },
          );
        }
        const m = /^\/([^/]+)\/_search$/.exec(path);
        if (!m || (req.method !== 'POST' && req.method !== 'GET')) {
          return fail(new SearchError(400, 'illegal_argument_exception', `no handler for ${req.method} ${path}`));
        }
        if (principal && this.forbidden.has(principal)) {
          return fail(
            new SearchError(
              403,
              'security_exception',
              `action [indices:data/read/search] is unauthorized for user [${principal}]`,
            ),
          );
        }
        const target = decodeURIComponent(m[1] ?? '');
        const left = this.unavailable.get(target) ?? 0;
        if (left > 0) {
          this.unavailable.set(target, left - 1);
          return reply(503, {
            error: {
              root_cause: [],
              type: 'search_phase_execution_exception',
              reason: 'all shards failed',
              phase: 'query',
              grouped: true,
              failed_shards: [],
            },
            status: 503,
          });
        }
        try {
          reply(200, this.search(target, body));
        } catch (e) {
          if (e instanceof SearchError) return fail(e);
          throw e;
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** '' when security is off, the principal when authenticated, null when not. */
  private authenticate(h: string | undefined): string | null {
    if (!this.users && !this.apiKeys) return '';
    const basic = /^Basic (.+)$/.exec(h ?? '');
    if (basic && this.users) {
      const [u, ...rest] = Buffer.from(basic[1] ?? '', 'base64')
        .toString('utf8')
        .split(':');
      if (u !== undefined && this.users[u] === rest.join(':')) return u;
    }
    const key = /^ApiKey (.+)$/.exec(h ?? '');
    if (key && this.apiKeys?.includes(key[1] ?? '')) return `api-key:${key[1]}`;
    return null;
  }

  private search(expr: string, body: Query) {
    const docs: { index: string; id: string; doc: Doc }[] = [];
    for (const part of expr.split(',')) {
      if (part.includes('*')) {
        const re = new RegExp(`^${part.split('*').map(escape).join('.*')}$`);
        for (const [name, list] of this.indices)
          if (re.test(name)) docs.push(...list.map((d) => ({ index: name, ...d })));
      } else {
        const list = this.indices.get(part);
        if (!list) throw new SearchError(404, 'index_not_found_exception', `no such index [${part}]`);
        docs.push(...list.map((d) => ({ index: part, ...d })));
      }
    }
    const size = body.size === undefined ? 10 : Number(body.size);
    const from = body.from === undefined ? 0 : Number(body.from);
    if (from + size > 10_000) {
      throw new SearchError(
        400,
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}].`,
      );
    }
    const sort = ((body.sort as Query[] | undefined) ?? []).map((s) => {
      const [field, spec] = Object.entries(s)[0] ?? ['', {}];
      return { field, desc: typeof spec === 'string' ? spec === 'desc' : (spec as Query).order === 'desc' };
    });
    const after = body.search_after as unknown[] | undefined;
    if (after && after.length !== sort.length) {
      throw new SearchError(
        400,
        'illegal_argument_exception',
        `search_after has ${after.length} value(s) but sort has ${sort.length}.`,
      );
    }
    if (after && from > 0)
      throw new SearchError(
        400,
        'illegal_argument_exception',
        '[from] parameter must be set to 0 when [search_after] is used',
      );
    const query = (body.query as Query | undefined) ?? { match_all: {} };
    const keyOf = (d: Doc) => sort.map((s) => sortValue(get(d, s.field)));
    const cmp = (a: unknown[], b: unknown[]) => {
      for (let i = 0; i < sort.length; i++) {
        const x = a[i] as number | string;
        const y = b[i] as number | string;
        if (x === y) continue;
        const c = x < y ? -1 : 1;
        return sort[i]!.desc ? -c : c;
      }
      return 0;
    };
    let hits = docs.filter((d) => evaluate(query, d.doc)).map((d) => ({ ...d, key: keyOf(d.doc) }));
    hits.sort((a, b) => cmp(a.key, b.key));
    if (after) hits = hits.filter((h) => cmp(h.key, after) > 0);
    const total = hits.length;
    const page = hits.slice(from, from + size);
    const fields = body._source as string[] | boolean | undefined;
    return {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: total, relation: 'eq' },
        max_score: null,
        hits: page.map((h) => ({
          _index: h.index,
          _id: h.id,
          _score: null,
          ...(fields === false ? {} : { _source: Array.isArray(fields) ? pick(h.doc, fields) : h.doc }),
          ...(sort.length ? { sort: h.key } : {}),
        })),
      },
    };
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function get(d: Doc, path: string): unknown {
  if (path in d) return d[path];
  let cur: unknown = d;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[p];
  }
  return cur;
}

function pick(d: Doc, fields: string[]): Doc {
  const out: Doc = {};
  for (const f of fields) {
    const v = get(d, f);
    if (v === undefined) continue;
    const parts = f.split('.');
    let cur = out;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Doc;
    cur[parts[parts.length - 1]!] = v;
  }
  return out;
}

/** Dates sort as epoch ms, numbers as themselves; a missing value sorts last (Long.MAX_VALUE, as ES reports it). */
function sortValue(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(t) ? t : v;
  }
  return Number.MAX_SAFE_INTEGER;
}

function toMillis(v: unknown, format: unknown): number {
  if (typeof v === 'number') return v;
  if (format === 'epoch_millis' && /^\d+$/.test(String(v))) return Number(v);
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw new SearchError(400, 'parse_exception', `failed to parse date field [${String(v)}]`);
  return t;
}

function tokens(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function evaluate(q: Query, d: Doc): boolean {
  const entries = Object.entries(q);
  if (entries.length !== 1) throw new SearchError(400, 'parsing_exception', 'query malformed, expected one key');
  const [kind, spec] = entries[0] as [string, Query];
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = (k: string) => {
        const v = spec[k];
        return v === undefined ? [] : Array.isArray(v) ? (v as Query[]) : [v as Query];
      };
      const should = list('should');
      const msm = Number(spec.minimum_should_match ?? (list('filter').length + list('must').length ? 0 : 1));
      return (
        list('filter').every((x) => evaluate(x, d)) &&
        list('must').every((x) => evaluate(x, d)) &&
        !list('must_not').some((x) => evaluate(x, d)) &&
        (should.length === 0 || should.filter((x) => evaluate(x, d)).length >= msm)
      );
    }
    case 'term': {
      const [field, v] = Object.entries(spec)[0] ?? ['', undefined];
      const want = v !== null && typeof v === 'object' ? (v as Query).value : v;
      const have = get(d, field);
      return Array.isArray(have) ? have.includes(want) : have === want;
    }
    case 'match_phrase': {
      const [field, v] = Object.entries(spec)[0] ?? ['', undefined];
      const phrase = tokens(String(v !== null && typeof v === 'object' ? (v as Query).query : v));
      const have = get(d, field);
      const text = tokens(Array.isArray(have) ? have.join('\n') : String(have ?? ''));
      if (phrase.length === 0) return true;
      for (let i = 0; i + phrase.length <= text.length; i++) if (phrase.every((p, j) => text[i + j] === p)) return true;
      return false;
    }
    case 'range': {
      const [field, r] = Object.entries(spec)[0] as [string, Query];
      const have = get(d, field);
      if (have === undefined) return false;
      const t = toMillis(have, undefined);
      const b = (k: string) => (r[k] === undefined ? undefined : toMillis(r[k], r.format));
      const [gt, gte, lt, lte] = [b('gt'), b('gte'), b('lt'), b('lte')];
      return (
        (gt === undefined || t > gt) &&
        (gte === undefined || t >= gte) &&
        (lt === undefined || t < lt) &&
        (lte === undefined || t <= lte)
      );
    }
    default:
      throw new SearchError(400, 'parsing_exception', `unknown query [${kind}]`);
  }
}
