import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../errors.js';
import {
  toObservedState,
  type ActualConnector,
  type ClusterSnapshot,
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
import { backoffDelay, DEFAULT_CONFLICT_RETRY, DEFAULT_SERVER_RETRY, sleep, type RetryPolicy } from '../retry.js';
import { fromStatus, isAlreadyExists, unreachable, type ErrorContext } from './errors.js';
import { send, TransportError, type TlsOptions, type TransportRequest, type TransportResponse } from './transport.js';

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

type Method = TransportRequest['method'];

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
  private readonly timeoutMs: number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly opts: SelfManagedOptions) {
    if (opts.urls.length === 0) throw new UserError('CONNECT_NO_URL', 'No Kafka Connect URL configured.');
    this.id = opts.urls[0]!.replace(/\/+$/, '');
    this.credentialKeyId = opts.auth?.username;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.wait = opts.sleep ?? sleep;
  }

  async collect(): Promise<ClusterSnapshot> {
    const body = await this.call<Record<string, RawExpanded>>('GET', '/connectors?expand=status&expand=info');
    const connectors: ActualConnector[] = Object.entries(body ?? {}).map(([name, e]) => ({
      name,
      config: stringMap(e.info?.config),
      status: parseStatus(name, e.status, e.info?.type),
    }));
    connectors.sort((a, b) => a.name.localeCompare(b.name));
    return { connectors, collectedAt: new Date().toISOString() };
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const res = await this.call<RawStatus>('GET', `/connectors/${enc(name)}/status`, undefined, { allow404: true });
    return res === undefined ? undefined : parseStatus(name, res, res.type);
  }

  async create(name: string, config: Record<string, string>, initialState?: TargetState): Promise<void> {
    const body: Record<string, unknown> = { name, config: { ...config, name } };
    if (initialState && initialState !== 'RUNNING') body.initial_state = initialState;
    // POST is not idempotent: a 5xx is not retried blindly (the connector may have been created).
    await this.call('POST', '/connectors', body, { retryServerErrors: false });
  }

  async updateConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.call('PUT', `/connectors/${enc(name)}/config`, { ...config, name });
  }

  async delete(name: string): Promise<void> {
    await this.call('DELETE', `/connectors/${enc(name)}`, undefined, { allow404: true });
  }
  async pause(name: string): Promise<void> {
    await this.call('PUT', `/connectors/${enc(name)}/pause`);
  }
  async resume(name: string): Promise<void> {
    await this.call('PUT', `/connectors/${enc(name)}/resume`);
  }
  async stop(name: string): Promise<void> {
    await this.call('PUT', `/connectors/${enc(name)}/stop`);
  }
  async restart(name: string, o: RestartOptions = {}): Promise<void> {
    const q = `includeTasks=${o.includeTasks === true}&onlyFailed=${o.onlyFailed === true}`;
    await this.call('POST', `/connectors/${enc(name)}/restart?${q}`);
  }
  async restartTask(name: string, taskId: number): Promise<void> {
    await this.call('POST', `/connectors/${enc(name)}/tasks/${taskId}/restart`);
  }

  async plugins(): Promise<PluginInfo[]> {
    const list = await this.call<{ class: string; type: string; version?: string }[]>(
      'GET',
      '/connector-plugins?connectorsOnly=false',
    );
    return (list ?? []).map((p) => ({ class: p.class, type: p.type, version: p.version ?? '' }));
  }

  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation> {
    const plugin = pluginClass.split('.').pop() ?? pluginClass;
    const res = await this.call<RawValidation>('PUT', `/connector-plugins/${enc(plugin)}/config/validate`, {
      ...config,
      'connector.class': pluginClass,
    });
    const errors = (res?.configs ?? [])
      .map((c) => ({ key: c.value.name, messages: c.value.errors ?? [] }))
      .filter((e) => e.messages.length > 0);
    return { errorCount: res?.error_count ?? errors.length, errors };
  }

  async getOffsets(name: string): Promise<ConnectorOffset[]> {
    const res = await this.call<{ offsets?: ConnectorOffset[] }>('GET', `/connectors/${enc(name)}/offsets`);
    return res?.offsets ?? [];
  }
  async alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<void> {
    await this.call('PATCH', `/connectors/${enc(name)}/offsets`, { offsets });
  }
  async resetOffsets(name: string): Promise<void> {
    await this.call('DELETE', `/connectors/${enc(name)}/offsets`);
  }

  async serverInfo(): Promise<ServerInfo> {
    const r = await this.call<{ version?: string; commit?: string; kafka_cluster_id?: string }>('GET', '/');
    const info: ServerInfo = { version: r?.version ?? 'unknown' };
    if (r?.commit) info.commit = r.commit;
    if (r?.kafka_cluster_id) info.kafkaClusterId = r.kafka_cluster_id;
    return info;
  }
  async connectorConfig(name: string): Promise<Record<string, string> | undefined> {
    const r = await this.call<Record<string, unknown>>('GET', `/connectors/${enc(name)}/config`, undefined, {
      allow404: true,
    });
    return r === undefined ? undefined : stringMap(r);
  }
  async connectorTopics(name: string): Promise<string[] | undefined> {
    try {
      const r = await this.call<Record<string, { topics?: string[] }>>('GET', `/connectors/${enc(name)}/topics`);
      return r?.[name]?.topics ?? [];
    } catch (e) {
      // 403 when the workers run with topic.tracking.enable=false: unknown, not an error of the command.
      if (e instanceof UserError && e.code === 'CONNECT_FORBIDDEN') return undefined;
      throw e;
    }
  }
  async pluginConfig(pluginClass: string): Promise<ConfigDefinition[]> {
    const defs = await this.call<RawConfigDef[]>('GET', `/connector-plugins/${enc(pluginClass)}/config`);
    return (defs ?? []).map((d) => ({
      name: d.name,
      type: d.type ?? 'STRING',
      required: d.required === true,
      defaultValue: d.default_value ?? null,
      importance: d.importance ?? '',
      documentation: d.documentation ?? '',
      group: d.group ?? null,
    }));
  }

  async close(): Promise<void> {
    // node:http keeps no pooled sockets for us (no keep-alive agent): nothing to release.
  }

  /**
   * One logical request: fails over between worker URLs on network errors, retries 409 (rebalance, no leader, stale
   * config) and, for idempotent calls, 5xx and timeouts, each with a bounded budget.
   */
  private async call<T = unknown>(
    method: Method,
    path: string,
    body?: unknown,
    o: { allow404?: boolean; retryServerErrors?: boolean } = {},
  ): Promise<T | undefined> {
    const conflict = this.opts.conflictRetry ?? DEFAULT_CONFLICT_RETRY;
    const server = this.opts.serverRetry ?? DEFAULT_SERVER_RETRY;
    const retryServer = o.retryServerErrors ?? true;
    let conflicts = 0;
    let serverErrors = 0;
    for (;;) {
      const { res, url, maybeDelivered } = await this.sendAnyUrl(
        method,
        path,
        body,
        retryServer ? server : { ...server, attempts: 1 },
      );
      const ctx: ErrorContext = {
        url,
        method,
        path,
        credentialRef: this.opts.credentialRef,
        username: this.opts.auth?.username,
      };
      if (res.status >= 200 && res.status < 300) return res.body as T;
      if (res.status === 404 && o.allow404) return undefined;
      if (res.status === 409 && method === 'POST' && path === '/connectors' && isAlreadyExists(res.body)) {
        // The worker that first got this POST may have created the connector before its connection broke (it died
        // mid-request, say); then the "duplicate" is our own create, recognisable by its identical config.
        if (maybeDelivered && (await this.isOwnCreate(body as { name: string; config: Record<string, string> })))
          return undefined;
        throw new UserError(
          'CONNECTOR_EXISTS',
          `Connector ${String((body as { name?: string }).name)} already exists.`,
          {
            hint: 'Someone created it since the plan was made; run `kcops plan` again.',
          },
        );
      }
      if (res.status === 409 && ++conflicts < conflict.attempts) {
        await this.wait(backoffDelay(conflict, conflicts - 1));
        continue;
      }
      if (res.status >= 500 && retryServer && ++serverErrors < server.attempts) {
        await this.wait(backoffDelay(server, serverErrors - 1));
        continue;
      }
      throw fromStatus(ctx, res.status, res.body);
    }
  }

  private async isOwnCreate(body: { name: string; config: Record<string, string> }): Promise<boolean> {
    const stored = await this.connectorConfig(body.name).catch(() => undefined);
    return stored !== undefined && isDeepStrictEqual(stored, body.config);
  }

  private async sendAnyUrl(
    method: Method,
    path: string,
    body: unknown,
    timeoutRetry: RetryPolicy,
  ): Promise<{ res: TransportResponse; url: string; maybeDelivered: boolean }> {
    const urls = this.opts.urls;
    let last: TransportError | undefined;
    // A request that failed after the connection was made (reset, timeout) may have been acted upon.
    let maybeDelivered = false;
    let timeouts = 0;
    for (let i = 0; i < urls.length;) {
      const index = (this.preferred + i) % urls.length;
      const base = urls[index]!.replace(/\/+$/, '');
      try {
        this.requestCount++;
        const res = await send({
          method,
          url: new URL(base + path),
          body,
          authorization: this.opts.auth ? basic(this.opts.auth) : undefined,
          timeoutMs: this.timeoutMs,
          tls: this.opts.tls,
        });
        this.preferred = index;
        return { res, url: base, maybeDelivered };
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        last = e;
        if (e.kind === 'timeout' || e.kind === 'network') maybeDelivered = true;
        // A timeout may mean the request is being processed: retry it on the same worker within a small budget
        // (only for idempotent calls, which is what timeoutRetry says), then try the next worker.
        if (e.kind === 'timeout' && ++timeouts < timeoutRetry.attempts) {
          await this.wait(backoffDelay(timeoutRetry, timeouts - 1));
          continue;
        }
        if (e.kind === 'timeout' && timeoutRetry.attempts <= 1) break;
        timeouts = 0;
        i++;
      }
    }
    throw unreachable(urls, last ?? new TransportError('no URL answered', 'network'));
  }
}

interface RawStatus {
  name?: string;
  connector?: { state?: string; worker_id?: string; trace?: string };
  tasks?: { id: number; state?: string; worker_id?: string; trace?: string }[];
  type?: string;
}
interface RawExpanded {
  status?: RawStatus;
  info?: { name?: string; config?: Record<string, unknown>; type?: string };
}
interface RawConfigDef {
  name: string;
  type?: string;
  required?: boolean;
  default_value?: string | null;
  importance?: string;
  documentation?: string;
  group?: string | null;
}
interface RawValidation {
  error_count?: number;
  configs?: { value: { name: string; errors?: string[] } }[];
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
