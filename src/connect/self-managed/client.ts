import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../errors.js';
import {
  toObservedState,
  type ActualConnector,
  type ClusterSnapshot,
  type ClusterIdentity,
  type ClusterTraits,
  type ConfigDefinition,
  type ConfigValidation,
  type ConnectCluster,
  type ConnectorOffset,
  type ConnectorStatus,
  type ConnectorType,
  type PluginInfo,
  type RestartOptions,
  type ServerInfo,
  type TargetState,
} from '../cluster.js';
import type { z } from 'zod';
import {
  DEFAULT_CONFLICT_RETRY,
  DEFAULT_RATE_LIMIT,
  DEFAULT_SERVER_RETRY,
  exchange,
  sleep,
  Unreachable,
  type Call,
  type RetryPolicy,
} from '../http/policy.js';
import { isServiceNotFound, lenientBody, parseBody } from '../http/response.js';
import { HttpTransport, type Method, type RawResponse, type TlsOptions } from '../http/transport.js';
import { fromStatus, isAlreadyExists, unreachable, type ErrorContext } from './errors.js';
import {
  configDefsSchema,
  configMap,
  expandedSchema,
  offsetsSchema,
  pluginsSchema,
  serverInfoSchema,
  statusSchema,
  whoamiSchema,
  accessKeysSchema,
  type AccessKeyStore,
  topicsSchema,
  validationSchema,
  type RawStatus,
} from './schemas.js';

export interface SelfManagedOptions {
  /** Worker REST URLs; tried in order, the first that answers is kept. */
  urls: string[];
  auth?: { username: string; password: string };
  /** Where the password came from (e.g. `${env:CONNECT_PASSWORD}`), named in error hints. */
  credentialRef?: string;
  tls?: TlsOptions;
  timeoutMs?: number;
  conflictRetry?: RetryPolicy;
  serverRetry?: RetryPolicy;
  /** Injected by tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/** Self-managed Kafka Connect over its REST API. */
export class SelfManagedCluster implements ConnectCluster {
  readonly id: string;
  readonly credentialKeyId: string | undefined;
  readonly traits: ClusterTraits = {
    // Connect stores the submitted map plus `name`; it adds no defaults to the stored config.
    serverManagedKeys: ['name'],
    // Self-managed workers return configs as stored (references unresolved, nothing masked).
    isMasked: () => false,
    supportsInitialState: true,
  };
  /** Number of HTTP requests sent, retries included (benchmarks show it does not grow with N on collect). */
  requestCount = 0;

  private preferred = 0;
  /** Who the key is, from the first answer that carried the access extension's Kcops-Identity header. */
  private identity: ClusterIdentity | undefined;
  private readonly transport: HttpTransport;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly opts: SelfManagedOptions) {
    if (opts.urls.length === 0) throw new UserError('CONNECT_NO_URL', 'No Kafka Connect URL configured.');
    this.id = opts.urls[0]!.replace(/\/+$/, '');
    this.credentialKeyId = opts.auth?.username;
    this.transport = new HttpTransport({ tls: opts.tls, timeoutMs: opts.timeoutMs });
    this.wait = opts.sleep ?? sleep;
  }

  async collect(): Promise<ClusterSnapshot> {
    const body = await this.read('GET', '/connectors?expand=status&expand=info', expandedSchema);
    const connectors: ActualConnector[] = Object.entries(body).map(([name, e]) => ({
      name,
      config: stringMap(e.info.config),
      status: parseStatus(name, e.status, e.info.type),
    }));
    connectors.sort((a, b) => a.name.localeCompare(b.name));
    return { connectors, collectedAt: new Date().toISOString() };
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const res = await this.read('GET', `/connectors/${enc(name)}/status`, statusSchema, { allow404: true });
    return res === undefined ? undefined : parseStatus(name, res, res.type);
  }

  async create(name: string, config: Record<string, string>, initialState?: TargetState): Promise<void> {
    const body: Record<string, unknown> = { name, config: { ...config, name } };
    if (initialState && initialState !== 'RUNNING') body.initial_state = initialState;
    // POST is not idempotent: a 5xx is not repeated (the connector may have been created). A broken connection is
    // repeated on the next worker, because a 409 then tells our own create from someone else's (isOwnCreate).
    const { res, base, maybeDelivered } = await this.send({
      method: 'POST',
      path: '/connectors',
      body,
      repeatAfterDelivery: true,
      finalConflict: (r) => isAlreadyExists(lenientBody(r)),
    });
    if (res.status === 409 && isAlreadyExists(lenientBody(res))) {
      // The worker that first got this POST may have created the connector before its connection broke (it died
      // mid-request, say); then the "duplicate" is our own create, recognisable by its identical config.
      if (maybeDelivered && (await this.isOwnCreate(name, body.config as Record<string, string>))) return;
      throw new UserError('CONNECTOR_EXISTS', `Connector ${name} already exists.`, {
        hint: 'Someone created it since the plan was made; run `kcops plan` again.',
      });
    }
    this.check(res, 'POST', '/connectors', base);
  }

  async updateConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.act({ method: 'PUT', path: `/connectors/${enc(name)}/config`, body: { ...config, name } });
  }

  async delete(name: string): Promise<void> {
    await this.act({ method: 'DELETE', path: `/connectors/${enc(name)}` }, { allow404: true });
  }
  async pause(name: string): Promise<void> {
    await this.act({ method: 'PUT', path: `/connectors/${enc(name)}/pause` });
  }
  async resume(name: string): Promise<void> {
    await this.act({ method: 'PUT', path: `/connectors/${enc(name)}/resume` });
  }
  async stop(name: string): Promise<void> {
    await this.act({ method: 'PUT', path: `/connectors/${enc(name)}/stop` });
  }
  // A second restart of the same connector does no harm: restarts may be repeated.
  async restart(name: string, o: RestartOptions = {}): Promise<void> {
    const q = `includeTasks=${o.includeTasks === true}&onlyFailed=${o.onlyFailed === true}`;
    await this.act({ method: 'POST', path: `/connectors/${enc(name)}/restart?${q}`, idempotent: true });
  }
  async restartTask(name: string, taskId: number): Promise<void> {
    await this.act({ method: 'POST', path: `/connectors/${enc(name)}/tasks/${taskId}/restart`, idempotent: true });
  }

  async plugins(): Promise<PluginInfo[]> {
    const list = await this.read('GET', '/connector-plugins?connectorsOnly=false', pluginsSchema);
    return list.map((p) => ({ class: p.class, type: p.type, version: p.version ?? '' }));
  }

  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation> {
    const plugin = pluginClass.split('.').pop() ?? pluginClass;
    const res = await this.read('PUT', `/connector-plugins/${enc(plugin)}/config/validate`, validationSchema, {
      body: { ...config, 'connector.class': pluginClass },
    });
    const errors = res.configs
      .map((c) => ({ key: c.value.name, messages: c.value.errors ?? [] }))
      .filter((e) => e.messages.length > 0);
    const values: Record<string, string | null> = {};
    for (const c of res.configs) values[c.value.name] = c.value.value ?? null;
    return { errorCount: res.error_count ?? errors.length, errors, values };
  }

  async getOffsets(name: string): Promise<ConnectorOffset[]> {
    const res = await this.read('GET', `/connectors/${enc(name)}/offsets`, offsetsSchema);
    return res.offsets;
  }
  // Setting the same offsets twice leaves the same offsets: the PATCH may be repeated.
  async alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<void> {
    await this.act({ method: 'PATCH', path: `/connectors/${enc(name)}/offsets`, body: { offsets }, idempotent: true });
  }
  async resetOffsets(name: string): Promise<void> {
    await this.act({ method: 'DELETE', path: `/connectors/${enc(name)}/offsets` });
  }

  async serverInfo(): Promise<ServerInfo> {
    const r = await this.read('GET', '/', serverInfoSchema);
    const info: ServerInfo = { version: r.version };
    if (r.commit) info.commit = r.commit;
    if (r.kafka_cluster_id) info.kafkaClusterId = r.kafka_cluster_id;
    return info;
  }
  async connectorConfig(name: string): Promise<Record<string, string> | undefined> {
    const r = await this.read('GET', `/connectors/${enc(name)}/config`, configMap, { allow404: true });
    return r === undefined ? undefined : stringMap(r);
  }
  async connectorTopics(name: string): Promise<string[] | undefined> {
    try {
      const r = await this.read('GET', `/connectors/${enc(name)}/topics`, topicsSchema);
      return r[name]?.topics ?? [];
    } catch (e) {
      // 403 when the workers run with topic.tracking.enable=false: unknown, not an error of the command.
      if (e instanceof UserError && e.code === 'CONNECT_FORBIDDEN') return undefined;
      throw e;
    }
  }
  async pluginConfig(pluginClass: string): Promise<ConfigDefinition[]> {
    const defs = await this.read('GET', `/connector-plugins/${enc(pluginClass)}/config`, configDefsSchema);
    return defs.map((d) => ({
      name: d.name,
      type: d.type ?? 'STRING',
      required: d.required === true,
      defaultValue: d.default_value ?? null,
      importance: d.importance ?? '',
      documentation: d.documentation ?? '',
      group: d.group ?? null,
    }));
  }

  async whoami(): Promise<ClusterIdentity | undefined> {
    // The access extension tells every answer who the key is (Kcops-Identity): once anything was asked, whoami costs
    // no request of its own (apply's audit actor and the ownership check come after the status listing).
    if (this.identity) return this.identity;
    const r = await this.read('GET', '/kcops/whoami', whoamiSchema, { allow404: true });
    return r === undefined ? undefined : toIdentity(r);
  }

  /** The access extension's key store with each key's last use (admins only); undefined without the extension. */
  async accessKeys(): Promise<AccessKeyStore | undefined> {
    return this.read('GET', '/kcops/keys', accessKeysSchema, { allow404: true });
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  /** A call whose answer kcops reads: the body must have the endpoint's shape (schemas.ts). */
  private async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o?: { body?: unknown; allow404?: false },
  ): Promise<z.infer<S>>;
  private async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; allow404: true },
  ): Promise<z.infer<S> | undefined>;
  private async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; allow404?: boolean } = {},
  ): Promise<z.infer<S> | undefined> {
    const { res, base } = await this.send({ method, path, ...(o.body === undefined ? {} : { body: o.body }) });
    if (o.allow404 && isServiceNotFound(res)) return undefined;
    this.check(res, method, path, base);
    return parseBody(res, schema, { method, url: base.replace(/\/+$/, '') + path, service: 'Kafka Connect' });
  }

  /** A call whose answer is only its status. */
  private async act(call: Call, o: { allow404?: boolean } = {}): Promise<void> {
    const { res, base } = await this.send(call);
    if (o.allow404 && isServiceNotFound(res)) return;
    this.check(res, call.method, call.path, base);
  }

  private check(res: RawResponse, method: Method, path: string, base?: string): void {
    if (res.status >= 200 && res.status < 300) return;
    const ctx: ErrorContext = {
      url: (base ?? this.id).replace(/\/+$/, ''),
      method,
      path,
      credentialRef: this.opts.credentialRef,
      username: this.opts.auth?.username,
    };
    throw fromStatus(ctx, res.status, lenientBody(res));
  }

  /**
   * One logical request through the shared policy (http/policy.ts): fails over between worker URLs when a
   * connection fails, retries 409 (rebalance, no leader, stale config) and, for calls safe to repeat, 5xx and
   * timeouts, each with a bounded budget.
   */
  private async send(call: Call): Promise<{ res: RawResponse; base: string; maybeDelivered: boolean }> {
    const headers = this.opts.auth ? { authorization: basic(this.opts.auth), ...call.headers } : call.headers;
    try {
      const x = await exchange(
        {
          transport: this.transport,
          bases: this.opts.urls,
          preferred: this.preferred,
          policy: {
            server: this.opts.serverRetry ?? DEFAULT_SERVER_RETRY,
            conflict: this.opts.conflictRetry ?? DEFAULT_CONFLICT_RETRY,
            rateLimit: DEFAULT_RATE_LIMIT,
          },
          wait: this.wait,
          onAttempt: () => this.requestCount++,
        },
        { ...call, ...(headers ? { headers } : {}) },
      );
      this.preferred = x.index;
      if (!this.identity && this.opts.auth) this.identity = identityHeader(x.res);
      return x;
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(e);
      throw e;
    }
  }

  private async isOwnCreate(name: string, config: Record<string, string>): Promise<boolean> {
    const stored = await this.connectorConfig(name).catch(() => undefined);
    return stored !== undefined && isDeepStrictEqual(stored, config);
  }
}

function toIdentity(r: z.infer<typeof whoamiSchema>): ClusterIdentity {
  return { principal: r.principal, ...(r.keyId ? { keyId: r.keyId } : {}), admin: r.admin === true, roles: r.roles };
}

/** The Kcops-Identity header (base64url JSON of whoami's answer); undefined when absent or not of that shape. */
function identityHeader(res: RawResponse): ClusterIdentity | undefined {
  const h = res.headers['kcops-identity'];
  if (typeof h !== 'string') return undefined;
  try {
    const r = whoamiSchema.safeParse(JSON.parse(Buffer.from(h, 'base64url').toString('utf8')));
    return r.success ? toIdentity(r.data) : undefined;
  } catch {
    return undefined;
  }
}

function parseStatus(name: string, s: RawStatus | undefined, type: string | undefined): ConnectorStatus {
  return {
    name,
    // A connector created a moment ago may have no status yet: it is not assigned to a worker.
    state: s?.connector ? toObservedState(s.connector.state) : 'UNASSIGNED',
    workerId: s?.connector?.worker_id,
    trace: s?.connector?.trace,
    type: toType(s?.type ?? type),
    tasks: (s?.tasks ?? [])
      .map((t) => ({ id: t.id, state: toObservedState(t.state), workerId: t.worker_id, trace: t.trace }))
      .sort((a, b) => a.id - b.id),
  };
}

function toType(t: string | undefined): ConnectorType {
  return t === 'source' || t === 'sink' ? t : 'unknown';
}

function stringMap(o: Record<string, unknown> | undefined): Record<string, string> {
  // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
  return Object.fromEntries(
    Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

const enc = encodeURIComponent;
const basic = (a: { username: string; password: string }) =>
  'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64');
