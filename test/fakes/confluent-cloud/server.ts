import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './openapi-contract.js';
import { templateOf } from './templates.js';
import { iam, orgEnvironment, roleBindingList } from './iam.js';
import { kafkaRest } from './kafka-rest.js';
import { logging } from './logging.js';
import { metricsQuery } from './metrics.js';
import { mayTouchConnector } from './rbac.js';

/**
 * An in-memory Confluent Cloud Connect v1 API on a real local HTTP server (behaviour: SPEC.md beside this file).
 * One environment and one Kafka cluster; connectors addressed by name; a Cloud API key for basic auth.
 */

export const MASK = '****************';

export type CloudState = 'NONE' | 'PROVISIONING' | 'RUNNING' | 'DEGRADED' | 'FAILED' | 'PAUSED' | 'DELETED';
/** The three error-body shapes seen in the wild (research/ccloud.md §1). */
export type ErrorShape = 'nested' | 'flat' | 'error_code';

export interface FakeCloudOptions {
  environmentId?: string;
  clusterId?: string;
  apiKey?: string;
  apiSecret?: string;
  region?: string;
  /** Status reads (GET status / list with status) a new connector stays PROVISIONING for. */
  provisioningReads?: number;
  /**
   * Time a new connector stays PROVISIONING on `clock` (overrides `provisioningReads`): Cloud takes minutes, hours
   * under load (SPEC.md, "Lifecycle").
   */
  provisioningMs?: number;
  /** The stand-in's clock (epoch ms); tests pass a simulated one shared with kcops's wait. Default Date.now. */
  clock?: () => number;
  /**
   * After provisioning, the connector shows FAILED (or DEGRADED) for this long, then RUNNING: the flap reported
   * right after create.
   */
  flap?: { ms: number; state: 'FAILED' | 'DEGRADED'; trace?: string };
  /**
   * An update (PUT /config) for which `rejects(config)` is true is answered 200 and stored, then after `afterMs` the
   * connector turns FAILED with Cloud's "Unable to validate configuration…" trace and keeps its previous config.
   */
  lateRejection?: { rejects: (config: Record<string, string>) => boolean; afterMs: number };
  /**
   * What PUT /config does with a value equal to the mask: `keep` keeps the stored secret (what the Confluent CLI's
   * update relies on), `store` stores the mask literally (the connector then fails to authenticate), `reject` answers
   * 400. Default `keep`.
   */
  maskOnPut?: 'keep' | 'store' | 'reject';
  /**
   * Pause and resume are asynchronous on Cloud (202, then the state moves): the new state shows `transitionMs` after
   * the request on `clock`, else after `transitionReads` status observations (default 1: the first read after the
   * request still shows the old state). A request made while provisioning runs its course once provisioning ends.
   */
  transitionMs?: number;
  transitionReads?: number;
  /** Status reads a new connector shows NONE for before PROVISIONING (default 0). */
  noneReads?: number;
  /** Status reads a deleted connector stays listed as DELETED (no tasks) before it is gone (default 0). */
  deletedReads?: number;
  /** Tasks while provisioning: `stopped` lists them STOPPED (seen on Cloud), `none` lists none. Default `stopped`. */
  provisioningTasks?: 'stopped' | 'none';
  /** Time (on `clock`) Cloud keeps the connector stopped to write offsets: the request stays PENDING that long. */
  offsetsStopMs?: number;
  /** Status reads an offsets request stays PENDING for. */
  offsetRequestReads?: number;
  plugins?: { class: string; type: 'sink' | 'source' }[];
  /** Kafka cluster API key for Kafka REST v3 (a Cloud key is refused there, as on Cloud). */
  kafkaApiKey?: string;
  kafkaApiSecret?: string;
}

export interface FakeLogRecord {
  timestamp: string;
  level: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
  message: string;
  task_id?: string;
  exception?: { stacktrace: string };
}

export interface FakeAcl {
  resource_type: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
  resource_name: string;
  pattern_type: 'LITERAL' | 'PREFIXED';
  principal: string;
  host: string;
  operation: string;
  permission: 'ALLOW' | 'DENY';
}

export interface FakeProducedRecord {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: number;
}

interface StoredConnector {
  id: string;
  name: string;
  /** What the client sent, secrets included (never returned unmasked). */
  config: Record<string, string>;
  state: CloudState;
  trace: string;
  provisioningLeft: number;
  /** NONE reads left before PROVISIONING; DELETED reads left before the connector is gone. */
  noneLeft: number;
  deletedLeft?: number;
  /** A pause or resume accepted (202) and not in effect yet. */
  transition?: { state: 'PAUSED' | 'RUNNING'; at?: number; readsLeft: number };
  /** When provisioning ends on the clock (provisioningMs), and the flap that follows. */
  provisionedAt?: number;
  flapUntil?: number;
  /** A late rejection scheduled by an update: when it shows, and the config Cloud keeps running. */
  rejectAt?: number;
  previousConfig?: Record<string, string>;
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[];
  offsetRequest?: {
    info: { id: string; name: string; type: 'PATCH' | 'DELETE'; requested_at: string; offsets?: unknown[] };
    pendingLeft: number;
    requestedAt: number;
    previous: unknown[];
    appliedAt?: string;
  };
}

interface InjectedFailure {
  status: number;
  shape: ErrorShape;
  message: string;
  match?: RegExp;
}

/** Keys Cloud masks whatever the plugin (the Kafka credentials every managed connector has). */
const ALWAYS_SENSITIVE = new Set(['kafka.api.key', 'kafka.api.secret']);

/** The message Cloud puts in the status when it rejects an update it accepted (public reports, SPEC.md). */
export const LATE_REJECTION_TRACE =
  'Unable to validate configuration. If an update was made to the configuration, this means that the connector continues to operate on a previous configuration.';

export const DEFAULT_PLUGINS: { class: string; type: 'sink' | 'source' }[] = [
  { class: 'PostgresCdcSourceV2', type: 'source' },
  { class: 'PostgresSource', type: 'source' },
  { class: 'PostgresSink', type: 'sink' },
  { class: 'MySqlSink', type: 'sink' },
  { class: 'S3_SINK', type: 'sink' },
  { class: 'DynamoDbSink', type: 'sink' },
  { class: 'DynamoDbCdcSource', type: 'source' },
  { class: 'DatagenSource', type: 'source' },
];

export class FakeConfluentCloud {
  readonly environmentId: string;
  readonly clusterId: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly region: string;
  /** Every exchange, for contract checks and assertions (secrets as sent: tests only). */
  readonly exchanges: Exchange[] = [];
  readonly connectors = new Map<string, StoredConnector>();
  /** Kafka REST v3 state. */
  readonly topics = new Set<string>();
  readonly acls: FakeAcl[] = [];
  /** Records produced through `POST …/topics/{topic}/records`, per topic, in order (key and value decoded). */
  readonly produced = new Map<string, FakeProducedRecord[]>();
  /** Topics the Kafka key may not write to: produce answers 403 as Cloud does without a WRITE ACL. */
  readonly writeDenied = new Set<string>();
  readonly kafkaApiKey: string;
  readonly kafkaApiSecret: string;
  /** Logs search API state: entries per connector name, issued data-plane tokens, searches per CRN (epoch ms). */
  readonly logs = new Map<string, FakeLogRecord[]>();
  /** Data-plane tokens issued (logging.ts). */
  readonly tokens = new Set<string>();
  /** Log searches per CRN, times (logging.ts). */
  readonly searches = new Map<string, number[]>();
  /** Searches per connector per minute before 429 (the real service says 5). */
  logsPerMinute = 5;

  private server: Server | undefined;
  private baseUrl = '';
  private rateLimited = 0;
  private retryAfterSeconds = 1;
  private readonly failures: InjectedFailure[] = [];
  private readonly rawAnswers: { match: RegExp; status: number; raw: string; contentType: string }[] = [];
  private nextId = 1000;
  private readonly listeners: ((x: Exchange) => void)[] = [];

  /** `transitionMs` of the options, changeable while running (a pause Cloud takes its time over). */
  transitionMs: number | undefined;

  /** The time on the stand-in's clock. */
  now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  constructor(private readonly opts: FakeCloudOptions = {}) {
    this.environmentId = opts.environmentId ?? 'env-abc123';
    this.clusterId = opts.clusterId ?? 'lkc-xyz789';
    this.apiKey = opts.apiKey ?? 'CLOUDKEY1234';
    this.apiSecret = opts.apiSecret ?? 'cloud-secret-value';
    this.region = opts.region ?? 'us-west-2';
    this.transitionMs = opts.transitionMs;
    this.kafkaApiKey = opts.kafkaApiKey ?? 'KAFKAREST1';
    this.kafkaApiSecret = opts.kafkaApiSecret ?? 'kafka-rest-secret';
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }

  onExchange(listener: (x: Exchange) => void): void {
    this.listeners.push(listener);
  }

  // ---- fault injection ----

  /** The next `count` requests answer 429 with `Retry-After: seconds`. */
  rateLimitStorm(count: number, seconds = 1): void {
    this.rateLimited = count;
    this.retryAfterSeconds = seconds;
  }

  /** The next request whose `METHOD path` matches answers `status` with the given body shape. */
  failNext(status: number, shape: ErrorShape, message: string, match?: RegExp): void {
    this.failures.push({ status, shape, message, match });
  }

  /**
   * The next request whose `METHOD path?query` matches gets `raw` as its body, sent as is (an HTML page of a proxy, a
   * truncated body): outside the contract on purpose, so it is not recorded as an exchange.
   */
  answerRawNext(match: RegExp, status: number, raw: string, contentType = 'text/html; charset=utf-8'): void {
    this.rawAnswers.push({ match, status, raw, contentType });
  }

  setState(name: string, state: CloudState, trace = ''): void {
    const c = this.mustGet(name);
    c.state = state;
    c.trace = trace;
    c.provisioningLeft = 0;
    c.transition = undefined;
  }

  /** Connectors created from now on end provisioning FAILED with this trace (e.g. a bad credential); undefined: RUNNING. */
  failNewConnectors: string | undefined;

  /** Seeds committed offsets (what the connector would have processed). */
  setOffsets(name: string, offsets: StoredConnector['offsets']): void {
    this.mustGet(name).offsets = offsets;
  }

  // ---- request handling ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const rawAnswer = this.rawAnswers.findIndex((r) => r.match.test(`${req.method ?? 'GET'} ${req.url ?? '/'}`));
    if (rawAnswer >= 0) {
      const r = this.rawAnswers.splice(rawAnswer, 1)[0]!;
      res.writeHead(r.status, { 'content-type': r.contentType });
      return void res.end(r.raw);
    }
    const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(text);
      const x: Exchange = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        requestHeaders: req.headers,
        requestBody: body,
        status,
        responseHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        responseBody: payload,
      };
      this.exchanges.push(x);
      for (const l of this.listeners) l(x);
    };
    try {
      this.route(req.method ?? 'GET', url, body, req.headers.authorization, answer, req.socket.remoteAddress ?? '');
    } catch (e) {
      answer(500, { error: { code: 500, message: `stand-in bug: ${(e as Error).message}` } });
    }
  }

  private route(
    method: string,
    url: URL,
    body: unknown,
    authorization: string | undefined,
    answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
    ip = '',
  ): void {
    const err = (status: number, message: string, shape: ErrorShape = 'nested') =>
      answer(status, errorBody(status, message, shape));
    if (this.rateLimited > 0) {
      this.rateLimited--;
      return answer(429, undefined, { 'Retry-After': String(this.retryAfterSeconds) });
    }
    if (url.pathname.startsWith('/kafka/v3/')) return kafkaRest(this, method, url, body, authorization, answer);
    if (url.pathname === '/api/access_tokens' || url.pathname === '/logs/v1/search')
      return logging(this, method, url, body, authorization, answer);
    if (url.pathname.startsWith('/v2/metrics/'))
      return metricsQuery(this, method, url, body, authorization, answer, ip);
    if (url.pathname === '/iam/v2/role-bindings') return roleBindingList(this, method, url, authorization, answer);
    if (url.pathname.startsWith('/iam/v2/')) return iam(this, method, url, authorization, answer);
    if (url.pathname.startsWith('/org/v2/environments/'))
      return orgEnvironment(this, method, url, authorization, answer);
    const expected = 'Basic ' + Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64');
    if (authorization !== expected) return err(401, 'Unauthorized');
    const failure = this.failures.findIndex((f) => !f.match || f.match.test(`${method} ${url.pathname}`));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      return answer(f.status, errorBody(f.status, f.message, f.shape));
    }

    const base = `/connect/v1/environments/${this.environmentId}/clusters/${this.clusterId}`;
    if (!url.pathname.startsWith(base + '/')) {
      if (/^\/connect\/v1\/environments\/[^/]+\/clusters\/[^/]+\//.test(url.pathname))
        return err(404, 'resource not found');
      return err(404, 'Not Found');
    }
    const parts = url.pathname
      .slice(base.length + 1)
      .split('/')
      .map(decodeURIComponent);

    if (parts[0] === 'connector-plugins') {
      if (parts.length === 1 && method === 'GET') return answer(200, this.opts.plugins ?? DEFAULT_PLUGINS);
      if (parts.length === 4 && parts[2] === 'config' && parts[3] === 'validate' && method === 'PUT') {
        return answer(200, this.validate(parts[1]!, (body ?? {}) as Record<string, string>));
      }
      return err(404, 'Not Found');
    }
    if (parts[0] !== 'connectors') return err(404, 'Not Found');

    if (parts.length === 1) {
      if (method === 'GET') {
        const expand = new Set(url.searchParams.getAll('expand').flatMap((v) => v.split(',')));
        const names = [...this.connectors.keys()].sort();
        if (expand.size === 0) return answer(200, names);
        const out: Record<string, unknown> = {};
        for (const n of names) {
          const c = this.connectors.get(n)!;
          const e: Record<string, unknown> = {};
          if (expand.has('id')) e.id = { id: c.id, id_type: 'ID' };
          if (expand.has('info')) e.info = this.info(c);
          if (expand.has('status')) e.status = this.status(c);
          out[n] = e;
        }
        return answer(200, out);
      }
      if (method === 'POST') return this.create(body, answer);
      return err(404, 'Not Found');
    }

    const rest = parts.slice(2).join('/');
    // Cloud answers 403 to a key whose owner's role bindings do not allow the request (rbac.ts), connector or not.
    if (this.enforceRoleBindings && !mayTouchConnector(this, method, parts[1]!, rest))
      return err(403, 'Forbidden Access');
    // PUT /config on an unknown name creates the connector ("Create or Update a Connector Configuration").
    if (!this.connectors.has(parts[1]!) && method === 'PUT' && rest === 'config')
      return this.create({ name: parts[1], config: body }, (status, payload) =>
        status === 201 ? answer(200, this.connector(this.connectors.get(parts[1]!)!)) : answer(status, payload),
      );
    const c = this.connectors.get(parts[1]!);
    // Cloud's text for a missing connector names no connector (Terraform's fixtures: the error_code form too).
    if (!c) return err(404, 'resource not found', this.notFoundShape);

    switch (`${method} ${rest}`) {
      case 'GET ':
        return answer(200, this.connector(c));
      case 'DELETE ':
        if ((this.opts.deletedReads ?? 0) > 0 && c.state !== 'DELETED') {
          // Listed a while longer as DELETED, with no tasks, before it is gone.
          c.state = 'DELETED';
          c.trace = '';
          c.transition = undefined;
          c.deletedLeft = this.opts.deletedReads;
        } else this.connectors.delete(c.name);
        return answer(200, { error: null });
      case 'GET config':
        return answer(200, this.maskedConfig(c));
      case 'PUT config': {
        const cfg = body as Record<string, unknown>;
        const bad = stringMapProblem(cfg);
        if (bad) return err(400, bad);
        if (cfg['connector.class'] !== c.config['connector.class'])
          return err(400, `connector.class cannot be changed from ${c.config['connector.class']}`);
        const next: Record<string, string> = { ...(cfg as Record<string, string>), name: c.name };
        const masked = Object.keys(next).filter((k) => next[k] === MASK);
        const mode = this.opts.maskOnPut ?? 'keep';
        if (masked.length > 0 && mode === 'reject')
          return err(400, `Invalid value for configuration ${masked[0]}: a masked value cannot be set`);
        // `keep`: the mask stands for "unchanged" and the stored secret stays (the CLI's update sends masks back).
        if (mode === 'keep') for (const k of masked) if (c.config[k] !== undefined) next[k] = c.config[k];
        const late = this.opts.lateRejection;
        if (late?.rejects(next)) {
          c.previousConfig ??= c.config;
          c.rejectAt = this.now() + late.afterMs;
        }
        c.config = next;
        return answer(200, this.connector(c));
      }
      case 'PUT pause':
        this.tick(c);
        this.requestTransition(c, 'PAUSED');
        return answer(202);
      case 'PUT resume':
        // Resuming a connector that is not paused (nor about to be) changes nothing.
        if (c.state === 'PAUSED' || c.transition?.state === 'PAUSED') this.requestTransition(c, 'RUNNING');
        return answer(202);
      case 'POST restart':
        if (c.state !== 'PAUSED') {
          c.state = 'RUNNING';
          c.trace = '';
        }
        return answer(202);
      case 'GET status':
        return answer(200, this.status(c));
      case 'GET tasks':
        return answer(200, this.tasks(c));
      case 'GET offsets':
        return answer(200, {
          id: c.id,
          name: c.name,
          offsets: c.offsets,
          metadata: { observed_at: new Date().toISOString() },
        });
      case 'POST offsets/request':
        this.tick(c);
        return this.offsetRequest(c, body, answer);
      case 'GET offsets/request/status': {
        const r = c.offsetRequest;
        if (!r) return err(404, `No offsets request found for connector ${c.name}`);
        // Cloud stops the connector to write the offsets and starts it again: PENDING for that long on the clock.
        const stopping = this.now() < r.requestedAt + (this.opts.offsetsStopMs ?? 0);
        if (r.pendingLeft > 0) r.pendingLeft--;
        else if (!r.appliedAt && !stopping) {
          r.appliedAt = new Date(this.now()).toISOString();
          if (r.info.type === 'DELETE') c.offsets = [];
          else c.offsets = mergeOffsets(c.offsets, (r.info.offsets ?? []) as StoredConnector['offsets']);
        }
        return answer(200, {
          request: r.info,
          status: r.appliedAt
            ? { phase: 'APPLIED', message: 'The offsets were applied.' }
            : { phase: 'PENDING', message: 'The request is being processed.' },
          previous_offsets: r.previous,
          applied_at: r.appliedAt ?? null,
        });
      }
      default:
        return err(404, 'Not Found');
    }
  }

  readonly organizationId = '0000-fake';
  /** Role bindings (mds v2): principal `User:sa-…`, role name, CRN pattern. */
  readonly roleBindings: { principal: string; role_name: string; crn_pattern: string }[] = [];

  /** The CRN of this stand-in's Kafka cluster, the scope connector role bindings hang under. */
  get clusterCrn(): string {
    return `crn://confluent.cloud/organization=${this.organizationId}/environment=${this.environmentId}/cloud-cluster=${this.clusterId}`;
  }

  /**
   * Connector endpoints answer 403 unless the owner of the stand-in's key (`apiKeys`) holds a role binding that
   * allows the request (rbac.ts). Off by default: most tests are not about access.
   */
  enforceRoleBindings = false;
  /** `GET /iam/v2/role-bindings` answers 403 (a Cloud key whose owner may not read role bindings). */
  roleBindingsForbidden = false;

  cloudAuthorized(authorization: string | undefined): boolean {
    return authorization === 'Basic ' + Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64');
  }

  /** IAM v2 service accounts by id (sa-…): display name. */
  readonly serviceAccounts = new Map<string, string>();
  /** IAM v2 users by id (u-…). */
  readonly users = new Map<string, { email: string; fullName?: string }>();
  /**
   * IAM v2 API keys by id: owner (sa-… or u-…), resource (`cloud` when absent, else a cluster id), creation time. The
   * stand-in's own Cloud key (`apiKey`) is only known here when a test adds it, as a key of another organisation is not.
   */
  readonly apiKeys = new Map<
    string,
    { owner: string; resource?: string; createdAt: string; displayName?: string; description?: string }
  >();

  /** Metric totals per `lcc-` id and metric name, as the Metrics API would sum them. */
  readonly metrics = new Map<string, number>();
  /** Per-minute data points per `lcc-` id and metric name (epoch ms of the minute, value). */
  readonly metricPoints = new Map<string, { at: number; value: number }[]>();
  /** Metrics API queries answered per client IP address (times on the clock) for the 60-a-minute limit. */
  readonly metricQueries = new Map<string, number[]>();
  /** Requests a minute per IP address the Metrics API allows (its document: 60). */
  metricsPerMinute = 60;
  /** How far behind the clock the Metrics API's data is (its document: about 5 minutes). */
  metricsLagMs = 5 * 60_000;

  /** A fixed total whatever the interval (tests that only look at the numbers' way through). */
  setMetric(connector: string, metric: string, value: number): void {
    this.metrics.set(`${this.mustGet(connector).id}|${metric}`, value);
  }

  /** A data point at `at` (epoch ms): counted by queries whose interval holds it, once it is `metricsLagMs` old. */
  addMetricPoint(connector: string, metric: string, at: number, value: number): void {
    const k = `${this.mustGet(connector).id}|${metric}`;
    this.metricPoints.set(k, [...(this.metricPoints.get(k) ?? []), { at, value }]);
  }

  addLog(connector: string, ...records: FakeLogRecord[]): void {
    this.logs.set(connector, [...(this.logs.get(connector) ?? []), ...records]);
  }

  private create(body: unknown, answer: (status: number, payload?: unknown) => void): void {
    const b = (body ?? {}) as {
      name?: unknown;
      config?: Record<string, unknown>;
      offsets?: StoredConnector['offsets'];
    };
    const flat = (m: string) => answer(400, errorBody(400, m, 'flat'));
    if (typeof b.name !== 'string' || b.name === '') return flat('name is required');
    const bad = stringMapProblem(b.config);
    if (bad) return flat(bad);
    const cfg = b.config as Record<string, string>;
    if (!cfg['connector.class'])
      return flat('Missing required configuration "connector.class" which has no default value.');
    const plugins = this.opts.plugins ?? DEFAULT_PLUGINS;
    // Cloud answers an unknown class with a 500 in the error_code form (public reports, SPEC.md).
    if (!plugins.some((p) => p.class === cfg['connector.class']))
      return answer(
        500,
        errorBody(
          500,
          `Failed to find any class that implements Connector and which name matches ${cfg['connector.class']}`,
          'error_code',
        ),
      );
    // The contract declares no 409 for create: Cloud answers 400 (flat body) when the name is taken.
    if (this.connectors.has(b.name)) return flat(`Connector ${b.name} already exists`);
    const c: StoredConnector = {
      id: `lcc-${(this.nextId++).toString(36)}`,
      name: b.name,
      config: { ...cfg, name: b.name },
      state: (this.opts.noneReads ?? 0) > 0 ? 'NONE' : 'PROVISIONING',
      trace: '',
      provisioningLeft: this.opts.provisioningReads ?? 2,
      noneLeft: this.opts.noneReads ?? 0,
      ...(this.opts.provisioningMs !== undefined ? { provisionedAt: this.now() + this.opts.provisioningMs } : {}),
      offsets: b.offsets ?? [],
    };
    this.connectors.set(c.name, c);
    answer(201, { ...this.connector(c), offsets: c.offsets });
  }

  private offsetRequest(c: StoredConnector, body: unknown, answer: (status: number, payload?: unknown) => void): void {
    const b = (body ?? {}) as { type?: string; offsets?: unknown[] };
    if (b.type !== 'PATCH' && b.type !== 'DELETE')
      return answer(400, errorBody(400, 'type must be PATCH or DELETE', 'nested'));
    if (c.offsetRequest && !c.offsetRequest.appliedAt) {
      return answer(400, errorBody(400, `An offsets request for connector ${c.name} is already in progress`, 'nested'));
    }
    const typed = numbersAsStrings(b.offsets);
    if (typed) {
      // Cloud answered strings for numbers with a Java ClassCastException (public report, SPEC.md).
      return answer(
        400,
        errorBody(
          400,
          `java.lang.ClassCastException: class java.lang.String cannot be cast to class java.lang.Long (${typed})`,
          'nested',
        ),
      );
    }
    const type: 'PATCH' | 'DELETE' = b.type;
    const info = {
      id: c.id,
      name: c.name,
      type,
      requested_at: new Date().toISOString(),
      ...(b.offsets ? { offsets: b.offsets } : {}),
    };
    c.offsetRequest = {
      info,
      pendingLeft: this.opts.offsetRequestReads ?? 1,
      requestedAt: this.now(),
      previous: structuredClone(c.offsets),
    };
    answer(202, info);
  }

  // ---- representations ----

  private injectedKeys(): Record<string, string> {
    return {
      'cloud.environment': 'prod',
      'cloud.provider': 'aws',
      'kafka.endpoint': `SASL_SSL://pkc-fake1.${this.region}.aws.confluent.cloud:9092`,
      'kafka.region': this.region,
      'kafka.max.partition.validation.disable': 'false',
      'valid.kafka.api.key': 'true',
    };
  }

  private maskedConfig(c: StoredConnector): Record<string, string> {
    const out: Record<string, string> = { ...this.injectedKeys(), 'connector.crn': this.crn(c) };
    const secret = this.passwordKeys(c.config['connector.class']);
    for (const [k, v] of Object.entries(c.config)) out[k] = secret.has(k) ? MASK : v;
    // Cloud mints the connector's own Kafka key in SERVICE_ACCOUNT mode and shows it masked.
    if (!out['kafka.api.key']) out['kafka.api.key'] = MASK;
    if (!out['kafka.api.secret']) out['kafka.api.secret'] = MASK;
    return out;
  }

  private crn(c: StoredConnector): string {
    return `crn://confluent.cloud/organization=0000-fake/environment=${this.environmentId}/cloud-cluster=${this.clusterId}/connector=${c.name}`;
  }

  private typeOf(c: StoredConnector): 'sink' | 'source' {
    return (
      (this.opts.plugins ?? DEFAULT_PLUGINS).find((p) => p.class === c.config['connector.class'])?.type ?? 'source'
    );
  }

  private taskCount(c: StoredConnector): number {
    return Math.max(1, Number.parseInt(c.config['tasks.max'] ?? '1', 10) || 1);
  }

  private connector(c: StoredConnector) {
    const tasks = Array.from({ length: this.taskCount(c) }, (_, i) => ({ connector: c.name, task: i }));
    return { name: c.name, config: this.maskedConfig(c), tasks, type: this.typeOf(c) };
  }

  private info(c: StoredConnector) {
    return this.connector(c);
  }

  /** Reading status is what moves PROVISIONING forward (deterministic for tests, no timers). */
  private status(c: StoredConnector) {
    if (c.state === 'NONE') {
      if (c.noneLeft-- <= 0) c.state = 'PROVISIONING';
    } else if (c.state === 'PROVISIONING') {
      if (c.provisionedAt !== undefined ? this.now() < c.provisionedAt : c.provisioningLeft > 0) {
        if (c.provisionedAt === undefined) c.provisioningLeft--;
      } else if (this.failNewConnectors !== undefined) {
        c.state = 'FAILED';
        c.trace = this.failNewConnectors;
      } else if (this.opts.flap) {
        c.state = this.opts.flap.state;
        c.trace = this.opts.flap.trace ?? 'org.apache.kafka.connect.errors.ConnectException: worker not ready';
        c.flapUntil = this.now() + this.opts.flap.ms;
      } else c.state = 'RUNNING';
      // A pause or resume asked while provisioning starts its course now.
      if (c.state !== 'PROVISIONING' && c.transition?.at !== undefined)
        c.transition.at = this.now() + (this.transitionMs ?? 0);
    } else if (c.state === 'DELETED') {
      c.deletedLeft = (c.deletedLeft ?? 1) - 1;
      if (c.deletedLeft <= 0) this.connectors.delete(c.name);
    } else this.advanceTransition(c);
    this.tick(c);
    const n = this.taskCount(c);
    const taskState =
      c.state === 'NONE' || c.state === 'DELETED'
        ? undefined
        : c.state === 'PROVISIONING'
          ? (this.opts.provisioningTasks ?? 'stopped') === 'stopped'
            ? 'STOPPED'
            : undefined
          : c.state === 'PAUSED'
            ? 'PAUSED'
            : c.state === 'FAILED'
              ? 'FAILED'
              : 'RUNNING';
    const tasks =
      taskState === undefined
        ? []
        : Array.from({ length: n }, (_, i) => ({
            id: i,
            // DEGRADED: the connector runs but task 0 failed.
            state: c.state === 'DEGRADED' && i === 0 ? 'FAILED' : taskState,
            worker_id: c.name,
            msg: c.state === 'DEGRADED' && i === 0 ? c.trace : '',
          }));
    return {
      name: c.name,
      connector: { state: c.state, worker_id: c.name, trace: c.trace },
      tasks,
      type: this.typeOf(c),
    };
  }

  private tasks(c: StoredConnector) {
    return Array.from({ length: this.taskCount(c) }, (_, i) => ({
      id: { connector: c.name, task: i },
      config: this.maskedConfig(c),
    }));
  }

  private validate(plugin: string, cfg: Record<string, string>) {
    // Required keys, PASSWORD keys and defaults from the plugin's managed templates (templates.ts).
    const tpl = templateOf(plugin);
    const required = [...tpl.required];
    const keys = [...new Set([...required, 'kafka.auth.mode', ...Object.keys(cfg)])];
    const configs = keys.map((k) => {
      const errors: string[] = [];
      const given = cfg[k] ?? tpl.defaults.get(k);
      if (required.includes(k) && !given && k !== 'name')
        errors.push(`Missing required configuration "${k}" which has no default value.`);
      if (k === 'connector.class' && cfg[k] && cfg[k] !== plugin) errors.push(`connector.class must be ${plugin}`);
      const mode = k === 'kafka.auth.mode' ? (cfg[k] ?? tpl.defaults.get(k) ?? 'KAFKA_API_KEY') : undefined;
      if (mode === 'KAFKA_API_KEY' && !cfg['kafka.api.key'])
        errors.push('"kafka.api.key" is required in KAFKA_API_KEY mode');
      // An unset key comes back as "" (or its default), a PASSWORD key masked.
      const value = { value: tpl.passwords.has(k) && given ? MASK : (given ?? '') };
      return {
        definition: {
          name: k,
          type: tpl.passwords.has(k) ? 'PASSWORD' : 'STRING',
          required: required.includes(k),
          default_value: tpl.defaults.get(k) ?? '',
          importance: 'HIGH',
          documentation: '',
          group: 'General',
          width: 'NONE',
          display_name: k,
          dependents: [],
          order: 0,
          alias: '',
        },
        value: { name: k, ...value, recommended_values: [], errors, visible: true },
        metadata: {},
      };
    });
    return {
      name: plugin,
      groups: ['General'],
      error_count: configs.reduce((n, c) => n + c.value.errors.length, 0),
      configs,
    };
  }

  /** Keys masked on read: the plugin's PASSWORD-typed keys (templates), and the Kafka credentials. */
  private passwordKeys(plugin: string | undefined): Set<string> {
    return new Set([...templateOf(plugin).passwords, ...ALWAYS_SENSITIVE]);
  }

  /** A pause or resume accepted: in effect after `transitionMs` on the clock, else after `transitionReads` reads. */
  private requestTransition(c: StoredConnector, state: 'PAUSED' | 'RUNNING'): void {
    const ms = this.transitionMs;
    c.transition = {
      state,
      ...(ms !== undefined ? { at: this.now() + ms } : {}),
      readsLeft: ms !== undefined ? 0 : (this.opts.transitionReads ?? 1),
    };
  }

  /** A requested pause/resume coming into effect (never during provisioning: it waits for that to end). */
  private advanceTransition(c: StoredConnector): void {
    const t = c.transition;
    if (!t) return;
    if (t.at !== undefined ? this.now() < t.at : t.readsLeft-- > 0) return;
    c.transition = undefined;
    // Resume of a FAILED connector is not a restart; pause takes any running state to PAUSED.
    if (t.state === 'PAUSED') c.state = 'PAUSED';
    else if (c.state === 'PAUSED') c.state = 'RUNNING';
  }

  /** Moves time-driven states on: a flap ending, a late rejection showing, an offsets stop ending. */
  private tick(c: StoredConnector): void {
    const now = this.now();
    if (c.flapUntil !== undefined && now >= c.flapUntil) {
      c.flapUntil = undefined;
      if (c.state === 'FAILED' || c.state === 'DEGRADED') {
        c.state = 'RUNNING';
        c.trace = '';
      }
    }
    if (c.rejectAt !== undefined && now >= c.rejectAt) {
      c.rejectAt = undefined;
      c.state = 'FAILED';
      c.trace = LATE_REJECTION_TRACE;
    }
  }

  /** 404 body for an unknown connector: `nested` (the document) or `error_code` (Terraform's fixtures). */
  notFoundShape: ErrorShape = 'nested';

  mustGet(name: string): StoredConnector {
    const c = this.connectors.get(name);
    if (!c) throw new Error(`stand-in: no connector ${name}`);
    return c;
  }
}

export function errorBody(status: number, message: string, shape: ErrorShape): unknown {
  if (shape === 'flat') return { code: status, message };
  if (shape === 'error_code') return { error_code: status, message };
  return { error: { code: status, message } };
}

function stringMapProblem(cfg: unknown): string | undefined {
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) return 'config must be an object of strings';
  for (const [k, v] of Object.entries(cfg))
    if (typeof v !== 'string') return `only string values are permitted for the configuration "${k}"`;
  return undefined;
}

/** Where a request's offsets give a number as a string (`"kafka_offset": "7"`), named; undefined when typed right. */
function numbersAsStrings(offsets: unknown[] | undefined): string | undefined {
  for (const o of offsets ?? []) {
    const e = o as { partition?: Record<string, unknown>; offset?: Record<string, unknown> };
    for (const [k, v] of [...Object.entries(e.partition ?? {}), ...Object.entries(e.offset ?? {})])
      if (typeof v === 'string' && /^-?\d+$/.test(v) && /offset|partition/.test(k)) return k;
  }
  return undefined;
}

function mergeOffsets(
  current: StoredConnector['offsets'],
  patch: StoredConnector['offsets'],
): StoredConnector['offsets'] {
  const key = (p: Record<string, unknown>) => JSON.stringify(p);
  const out = new Map(current.map((o) => [key(o.partition), o]));
  for (const o of patch) out.set(key(o.partition), o);
  return [...out.values()];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
