import { UserError } from '../../errors.js';
import { basicAuthHeader } from '../http.js';
import { DEFAULT_SERVER_RETRY, exchange, sleep, Unreachable } from '../http/policy.js';
import { lenientBody } from '../http/response.js';
import { HttpTransport } from '../http/transport.js';
import { cloudMessage, unreachable } from './errors.js';

/**
 * Confluent Cloud's connector logs search API (private; reverse-engineered from Confluent's own CLI and MCP server,
 * see connect-v1.supplement.openapi.yaml): a Cloud API key is exchanged for a short-lived data-plane token, which the
 * search endpoint takes as a bearer token (it refuses basic auth). Results come newest first in pages of at most 200,
 * with a `metadata.next` URL carrying the page token. The service allows 5 searches a minute per connector; this
 * client keeps under that itself and honours Retry-After when told otherwise.
 */
export interface CloudLogsOptions {
  /** `POST` here with the Cloud key for a data-plane token (https://confluent.cloud/api/access_tokens). */
  tokenUrl: string;
  /** https://api.logging.confluent.cloud/logs/v1/search */
  searchUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Searches allowed per connector per minute (the service's limit is 5). */
  perMinute?: number;
}

export interface CloudLogRecord {
  timestamp: string;
  level: string;
  message: string;
  task_id?: string;
  id?: string;
  exception?: { stacktrace?: string } | null;
}

export interface CloudLogSearch {
  crn: string;
  /** The connector's `lcc-` id: the Confluent CLI sends it as `search.id` beside the CRN (pkg/ccloudv2/logging.go). */
  connectorId: string;
  levels: string[];
  searchText?: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`, at most 72 h ago. */
  startTime: string;
  endTime: string;
}

const PAGE_SIZE = 200;
/** The levels the Confluent CLI lets one search for (internal/connect/command_logs.go); managed connectors log no finer. */
export const SEARCHABLE_LEVELS: ReadonlySet<string> = new Set(['INFO', 'WARN', 'ERROR']);
const TOKEN_TTL_MS = 4 * 60_000;

export class CloudLogsClient {
  private token: { value: string; at: number } | undefined;
  private readonly recent = new Map<string, number[]>();
  private readonly wait: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly transport: HttpTransport;

  constructor(private readonly opts: CloudLogsOptions) {
    this.transport = new HttpTransport({ timeoutMs: opts.timeoutMs });
    this.wait = opts.sleep ?? sleep;
    this.now = opts.now ?? Date.now;
  }

  /** Newest first, at most `max` records, following pages while there are more. */
  async search(s: CloudLogSearch, max: number): Promise<CloudLogRecord[]> {
    const body = {
      crn: s.crn,
      // Field for field what the Confluent CLI sends (pkg/ccloudv2/logging.go SearchConnectorLogs): levels from
      // INFO/WARN/ERROR only (its `connect logs` refuses any other), the text when given, and the connector id.
      search: {
        level: s.levels.filter((l) => SEARCHABLE_LEVELS.has(l)),
        ...(s.searchText ? { search_text: s.searchText } : {}),
        id: s.connectorId,
      },
      sort: 'desc',
      start_time: s.startTime,
      end_time: s.endTime,
    };
    const out: CloudLogRecord[] = [];
    let pageToken: string | undefined;
    do {
      const url = `${this.opts.searchUrl}?page_size=${PAGE_SIZE}${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
      const res = await this.post(s.crn, url, body);
      const page = res as { data?: CloudLogRecord[]; metadata?: { next?: string | null } };
      out.push(...(page.data ?? []));
      const next = page.metadata?.next;
      pageToken = next ? (new URL(next).searchParams.get('page_token') ?? undefined) : undefined;
    } while (pageToken && out.length < max);
    return out.slice(0, max);
  }

  private async post(crn: string, url: string, body: unknown): Promise<unknown> {
    // 429 is the shared policy's (send); an expired token is exchanged once more here.
    for (let refreshed = false; ; refreshed = true) {
      await this.keepUnderLimit(crn);
      const res = await this.send(url, { authorization: `Bearer ${await this.dataPlaneToken()}` }, body);
      if (res.status === 200) return res.body;
      if (res.status === 401 && !refreshed) {
        this.token = undefined;
        continue;
      }
      if (res.status === 429) {
        throw new UserError(
          'CCLOUD_LOGS_RATE_LIMITED',
          'The Confluent Cloud logs API allows 5 searches a minute per connector and kept refusing.',
          {
            hint: 'Wait a minute, and narrow --since/--until so fewer pages are needed.',
          },
        );
      }
      throw new UserError(
        'CCLOUD_LOGS',
        `The Confluent Cloud logs API answered ${res.status}: ${cloudMessage(res.body)}`,
        {
          hint: 'Connector logs need a Cloud API key of a principal allowed to view them (ConnectManager or ResourceOwner), and are kept 72 h.',
        },
      );
    }
  }

  /** The service's per-connector budget, kept on our side so a long read pauses instead of failing. */
  private async keepUnderLimit(crn: string): Promise<void> {
    const limit = this.opts.perMinute ?? 5;
    const times = (this.recent.get(crn) ?? []).filter((t) => this.now() - t < 60_000);
    if (times.length >= limit) {
      await this.wait(60_000 - (this.now() - times[0]!) + 100);
      times.shift();
    }
    times.push(this.now());
    this.recent.set(crn, times);
  }

  /** A data-plane token (cached a few minutes): proves the key can read logs. */
  checkToken(): Promise<string> {
    return this.dataPlaneToken();
  }

  private async dataPlaneToken(): Promise<string> {
    if (this.token && this.now() - this.token.at < TOKEN_TTL_MS) return this.token.value;
    const res = await this.send(
      this.opts.tokenUrl,
      { authorization: basicAuthHeader({ username: this.opts.apiKey, password: this.opts.apiSecret }) },
      {},
    );
    const token = (res.body as { token?: string } | undefined)?.token;
    if (res.status !== 200 || !token) {
      throw new UserError(
        'CCLOUD_LOGS_TOKEN',
        `Confluent Cloud refused a logs token for API key ${this.opts.apiKey} (${res.status}): ${cloudMessage(res.body)}`,
        {
          hint: 'Check the Cloud API key in cluster.credentials of kcops.yaml.',
        },
      );
    }
    this.token = { value: token, at: this.now() };
    return token;
  }

  /** One POST through the shared policy: both the token exchange and a search may be repeated (they change nothing). */
  private async send(
    url: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const u = new URL(url);
    try {
      const { res } = await exchange(
        {
          transport: this.transport,
          bases: [u.origin],
          policy: { server: DEFAULT_SERVER_RETRY, rateLimit: { attempts: 4, maxRetryAfterSeconds: 60 } },
          wait: this.wait,
        },
        { method: 'POST', path: u.pathname + u.search, body, headers, idempotent: true },
      );
      return { status: res.status, body: lenientBody(res) };
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(u.origin, e);
      throw e;
    }
  }

  /** Releases the pooled connections. */
  close(): void {
    this.transport.close();
  }
}

/** Where the token and search endpoints are: Confluent's hosts for the public API, else the same endpoint (stand-ins). */
export function logsEndpoints(apiEndpoint: string): { tokenUrl: string; searchUrl: string } {
  const base = apiEndpoint.replace(/\/+$/, '');
  if (new URL(base).hostname === 'api.confluent.cloud') {
    return {
      tokenUrl: 'https://confluent.cloud/api/access_tokens',
      searchUrl: 'https://api.logging.confluent.cloud/logs/v1/search',
    };
  }
  return { tokenUrl: `${base}/api/access_tokens`, searchUrl: `${base}/logs/v1/search` };
}
