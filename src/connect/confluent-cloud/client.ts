import { UserError } from '../../errors.js';
import type { Reporter } from '../../core/reporter.js';
import {
  toObservedState,
  type ActualConnector,
  type ClusterIdentity,
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
import type { ProvisioningPolicy } from '../cluster.js';
import type { z } from 'zod';
import { basicAuthHeader } from '../http.js';
import {
  DEFAULT_RATE_LIMIT,
  DEFAULT_SERVER_RETRY,
  exchange,
  sleep,
  Unreachable,
  type Call,
  type RateLimitPolicy,
  type RetryPolicy,
} from '../http/policy.js';
import { isServiceNotFound, lenientBody, parseBody } from '../http/response.js';
import { HttpTransport, type Method, type RawResponse } from '../http/transport.js';
import { fromCloudStatus, isAlreadyExists, unreachable, type CloudErrorContext } from './errors.js';
import {
  configMap,
  expandedSchema,
  idsSchema,
  namesSchema,
  offsetsSchema,
  offsetsStatusSchema,
  pluginsSchema,
  statusSchema,
  validationSchema,
  type RawStatus,
} from './schemas.js';
import { CLOUD_SERVER_KEYS, cloudStoredConfig, isMaskedValue } from './normalise.js';
import { CloudIamApi } from './iam.js';

export interface ConfluentCloudOptions {
  /** https://api.confluent.cloud unless a private endpoint is used. */
  apiEndpoint: string;
  environmentId: string;
  kafkaClusterId: string;
  /** Cloud API key (id and secret), resolved by the caller from references. */
  apiKey: string;
  apiSecret: string;
  /** Where the secret came from (e.g. `${env:CCLOUD_API_SECRET}`), named in error hints. */
  credentialRef?: string;
  timeoutMs?: number;
  /** 429: attempts including the first, and the longest Retry-After honoured (longer asks give up at once). */
  rateLimit?: RateLimitPolicy;
  serverRetry?: RetryPolicy;
  /**
   * How the apply waits for this environment's connectors (`traits.provisioning`, see ProvisioningPolicy): how long a
   * new connector may stay PROVISIONING before it is reported pending, the flap window, the watch after an update.
   * `false`: no policy (the apply judges states as on self-managed Connect).
   */
  provisioning?: Partial<Omit<ProvisioningPolicy, 'isLateRejection'>> | false;
  /**
   * Whether this environment's Cloud keeps the stored secret when an update sends the mask back (kcops.yaml
   * `cluster.maskedSecretOnUpdate: keep`). Off by default: no API document says so; the Confluent CLI's update
   * relies on it. Only updates may then carry a mask; a create never does.
   */
  keepsSecretOnMask?: boolean;
  /** Bounded polling of an offsets request until APPLIED or FAILED (first look after `firstPollMs`). */
  offsetsPoll?: Partial<typeof DEFAULT_OFFSETS_POLL>;
  reporter?: Reporter;
  /**
   * Resolves secret references in a value just before it is sent (managed connectors have no worker to resolve
   * them); resolved values go only into the request body over TLS, never into plans, audit records or logs.
   */
  resolveValue?: (value: string) => string | Promise<string>;
  /** Injected by tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Defaults of the provisioning policy. Terraform's provider waits up to 24 h for a connector (its maintainers report
 * 15 min as typical); 30 min is what one `apply` is given before it says "still pending" and leaves it to Cloud.
 */
export const DEFAULT_PROVISIONING = { timeoutMs: 30 * 60_000, flapWindowMs: 2 * 60_000, updateWatchMs: 60_000 };
/** Terraform's provider waits 30 s after an offsets request, then polls every 15 s for up to 1 h. */
export const DEFAULT_OFFSETS_POLL = { timeoutMs: 15 * 60_000, pollMs: 15_000, firstPollMs: 30_000 };

/** The status trace Cloud shows for an update it accepted (200) and rejected afterwards (research/ccloud.md). */
const LATE_REJECTION = /Unable to validate configuration/i;

/**
 * Confluent Cloud fully-managed connectors over the Connect v1 API
 * (`/connect/v1/environments/{env}/clusters/{lkc}/...`, basic auth with a Cloud API key). Connectors are addressed by
 * name. What Cloud adds to stored configs (server keys, masked secrets) is declared in `traits` so the planner never
 * shows it as drift.
 */
export class ConfluentCloudCluster implements ConnectCluster {
  readonly id: string;
  readonly credentialKeyId: string;
  readonly traits: ClusterTraits;
  /** HTTP requests sent, retries included. */
  requestCount = 0;
  /** Every wait this client made for a 429, in ms (tests and progress messages). */
  readonly rateLimitWaits: number[] = [];

  private readonly base: string;
  private readonly root: string;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly transport: HttpTransport;
  /** IAM v2, role bindings (mds v2) and org v2 on the same endpoint and key (iam.ts). */
  private readonly iam: CloudIamApi;

  constructor(private readonly opts: ConfluentCloudOptions) {
    const endpoint = opts.apiEndpoint.replace(/\/+$/, '');
    this.root = endpoint;
    this.transport = new HttpTransport({ timeoutMs: opts.timeoutMs });
    this.base = `${endpoint}/connect/v1/environments/${encodeURIComponent(opts.environmentId)}/clusters/${encodeURIComponent(opts.kafkaClusterId)}`;
    this.id = `${opts.environmentId}/${opts.kafkaClusterId}`;
    this.credentialKeyId = opts.apiKey;
    this.wait = opts.sleep ?? sleep;
    this.iam = new CloudIamApi(
      {
        get: (path, schema) => this.rootGet(path, schema),
        status: async (path) => (await this.send({ method: 'GET', path }, this.root)).res,
        context: (method, path) => this.context(method, path),
      },
      { environmentId: opts.environmentId, kafkaClusterId: opts.kafkaClusterId },
    );
    this.traits = {
      serverManagedKeys: ['name', ...CLOUD_SERVER_KEYS],
      isMasked: isMaskedValue,
      // Cloud's create takes no initial state: the executor pauses right after create when Git says PAUSED.
      supportsInitialState: false,
      keepsSecretOnMask: opts.keepsSecretOnMask === true,
      ...(opts.provisioning === false
        ? {}
        : {
            provisioning: {
              ...DEFAULT_PROVISIONING,
              ...opts.provisioning,
              isLateRejection: (trace) => trace !== undefined && LATE_REJECTION.test(trace),
            },
          }),
    };
  }

  async collect(): Promise<ClusterSnapshot> {
    // One request for everything, whatever the number of connectors.
    const body = await this.read('GET', '/connectors?expand=info,status,id', expandedSchema);
    const connectors: ActualConnector[] = Object.entries(body).map(([name, e]) => ({
      name,
      config: cloudStoredConfig(stringMap(e.info.config)),
      status: parseStatus(name, e.status, e.info.type),
    }));
    connectors.sort((a, b) => a.name.localeCompare(b.name));
    return { connectors, collectedAt: new Date().toISOString() };
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const s = await this.read('GET', `/connectors/${enc(name)}/status`, statusSchema, { allow404: true });
    return s === undefined ? undefined : parseStatus(name, s, s.type);
  }

  async create(name: string, config: Record<string, string>, initialState?: TargetState): Promise<void> {
    if (initialState === 'STOPPED') throw stopUnsupported(name);
    const cfg = await this.outgoing(name, config);
    // POST is not idempotent: after a 5xx or a broken connection Cloud may have created it; never repeated blindly.
    const { res } = await this.send({ method: 'POST', path: '/connectors', body: { name, config: cfg } });
    const exists = alreadyExists(name)(res);
    if (exists) throw exists;
    this.check(res, 'POST', '/connectors');
    // No wait here: Cloud provisions for minutes to hours. Callers wait as `traits.provisioning` says (the apply waits
    // for all its connectors together, one listing per round); the Confluent CLI's create returns at once too.
    if (initialState === 'PAUSED') await this.pause(name);
  }

  async updateConfig(name: string, config: Record<string, string>): Promise<void> {
    const body = await this.outgoing(name, config, this.opts.keepsSecretOnMask === true);
    await this.act({ method: 'PUT', path: `/connectors/${enc(name)}/config`, body });
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
    throw stopUnsupported(name);
  }
  async restart(name: string, o: RestartOptions = {}): Promise<void> {
    if (o.onlyFailed || o.includeTasks === false) {
      this.opts.reporter?.debug(
        `Confluent Cloud restarts the connector and all its tasks (no includeTasks/onlyFailed): ${name}`,
      );
    }
    await this.act({ method: 'POST', path: `/connectors/${enc(name)}/restart` });
  }
  async restartTask(name: string, taskId: number): Promise<void> {
    this.opts.reporter?.warn(
      `Confluent Cloud cannot restart task ${taskId} alone: restarting connector ${name} and all its tasks.`,
    );
    await this.restart(name);
  }

  async plugins(): Promise<PluginInfo[]> {
    const list = await this.read('GET', '/connector-plugins', pluginsSchema);
    return list.map((p) => ({ class: p.class, type: p.type, version: p.version ?? '' }));
  }

  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation> {
    const resolved = await this.resolveAll(config);
    const res = await this.read('PUT', `/connector-plugins/${enc(pluginClass)}/config/validate`, validationSchema, {
      body: { ...resolved, 'connector.class': pluginClass },
    });
    const errors = res.configs
      .map((c) => ({ key: c.value?.name ?? c.definition?.name ?? '?', messages: c.value?.errors ?? [] }))
      .filter((e) => e.messages.length > 0);
    return { errorCount: res.error_count ?? errors.length, errors };
  }

  async getOffsets(name: string): Promise<ConnectorOffset[]> {
    const res = await this.read('GET', `/connectors/${enc(name)}/offsets`, offsetsSchema);
    return res.offsets;
  }

  /** Cloud alters offsets asynchronously: a request, then its status polled (bounded) until APPLIED or FAILED. */
  async alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<void> {
    await this.offsetsRequest(name, { type: 'PATCH', offsets });
  }
  async resetOffsets(name: string): Promise<void> {
    await this.offsetsRequest(name, { type: 'DELETE' });
  }

  async serverInfo(): Promise<ServerInfo> {
    // No version endpoint on Cloud: listing names proves the endpoint, the ids and the key in one cheap call.
    await this.read('GET', '/connectors', namesSchema);
    return { version: 'confluent-cloud', kafkaClusterId: this.opts.kafkaClusterId };
  }

  async connectorConfig(name: string): Promise<Record<string, string> | undefined> {
    const cfg = await this.read('GET', `/connectors/${enc(name)}/config`, configMap, { allow404: true });
    return cfg === undefined ? undefined : cloudStoredConfig(stringMap(cfg));
  }

  /**
   * The connector's CRN as the logs API wants it (`…/connector=<name>`), built the way the Confluent CLI builds it:
   * from the organisation id (org v2 environment), environment, cluster and name. The `connector.crn` config key is
   * not documented anywhere, so it is not relied upon. Undefined when the connector does not exist.
   */
  async connectorCrn(name: string): Promise<string | undefined> {
    if (!(await this.status(name))) return undefined;
    const org = await this.iam.organizationCrn();
    return `${org}/environment=${this.opts.environmentId}/cloud-cluster=${this.opts.kafkaClusterId}/connector=${name}`;
  }

  /** Cloud's `lcc-…` id of a connector (what the Metrics API filters on); undefined when it does not exist. */
  async connectorId(name: string): Promise<string | undefined> {
    const body = await this.read('GET', '/connectors?expand=id', idsSchema);
    return body[name]?.id.id;
  }

  /** Whether an IAM service account (sa-…) exists in the organisation of the Cloud API key (IAM v2). */
  serviceAccountExists(id: string): Promise<boolean> {
    return this.iam.serviceAccountExists(id);
  }

  /** The roles `principal` holds that cover connector `name` of this cluster (see CloudIamApi). */
  connectorRoles(principal: string, name: string): Promise<string[]> {
    return this.iam.connectorRoles(principal, name);
  }

  listApiKeys() {
    return this.iam.listApiKeys();
  }
  listServiceAccounts() {
    return this.iam.listServiceAccounts();
  }
  listUsers() {
    return this.iam.listUsers();
  }
  environmentRoleBindings() {
    return this.iam.environmentRoleBindings();
  }
  scope() {
    return this.iam.scope();
  }

  /**
   * Who this API key is (issue #15 §2): its owner as IAM v2 says (`GET /iam/v2/api-keys/{id}`), sa-… or u-…, with the
   * account's name when the key may read it. Undefined when IAM does not know the key (another organisation's
   * stand-in, a key without IAM access answering 404).
   */
  async whoami(): Promise<ClusterIdentity | undefined> {
    const owner = await this.iam.apiKeyOwner(this.opts.apiKey);
    if (!owner) return undefined;
    return {
      principal: owner.id,
      ...(owner.displayName ? { displayName: owner.displayName } : {}),
      keyId: this.opts.apiKey,
      admin: false,
      roles: {},
    };
  }

  /** GET on the API endpoint outside the Connect base path (IAM, org), with the same key and error mapping. */
  private async rootGet<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const { res } = await this.send({ method: 'GET', path }, this.root);
    if (res.status !== 200)
      throw fromCloudStatus(this.context('GET', path.split('?')[0]!), res.status, lenientBody(res));
    return parseBody(res, schema, { method: 'GET', url: this.root + path, service: 'Confluent Cloud' });
  }

  async connectorTopics(): Promise<string[] | undefined> {
    return undefined; // Cloud exposes no topic tracking.
  }

  async pluginConfig(pluginClass: string): Promise<ConfigDefinition[]> {
    const res = await this.read('PUT', `/connector-plugins/${enc(pluginClass)}/config/validate`, validationSchema, {
      body: { 'connector.class': pluginClass },
    });
    return res.configs
      .filter((c) => c.definition)
      .map((c) => {
        const d = c.definition!;
        return {
          name: d.name,
          type: d.type ?? 'STRING',
          required: d.required === true,
          defaultValue: d.default_value === undefined || d.default_value === '' ? null : d.default_value,
          importance: d.importance ?? 'NONE',
          documentation: d.documentation || d.display_name || '',
          group: d.group ?? null,
        };
      });
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private async offsetsRequest(
    name: string,
    body: { type: 'PATCH' | 'DELETE'; offsets?: ConnectorOffset[] },
  ): Promise<void> {
    await this.act({ method: 'POST', path: `/connectors/${enc(name)}/offsets/request`, body });
    const { timeoutMs, pollMs, firstPollMs } = { ...DEFAULT_OFFSETS_POLL, ...this.opts.offsetsPoll };
    const polls = Math.max(1, Math.ceil(timeoutMs / pollMs));
    const step = this.opts.reporter?.step(`${body.type === 'DELETE' ? 'Resetting' : 'Altering'} offsets of ${name}`);
    // Cloud stops the connector to apply offsets, then starts it again: the first look is later than the next ones.
    await this.wait(firstPollMs);
    for (let i = 0; i < polls; i++) {
      const s = await this.read('GET', `/connectors/${enc(name)}/offsets/request/status`, offsetsStatusSchema);
      const phase = s.status.phase;
      if (phase === 'APPLIED') {
        step?.done(`offsets of ${name} applied`);
        return;
      }
      if (phase === 'FAILED') {
        step?.fail();
        throw new UserError(
          'CCLOUD_OFFSETS_FAILED',
          `Confluent Cloud could not apply the offsets of ${name}: ${s.status.message ?? '(no message)'}`,
          {
            hint: `\`kcops connect offsets ${name}\` shows the offsets in place; check the partitions and offsets you sent.`,
          },
        );
      }
      step?.update(phase);
      await this.wait(pollMs);
    }
    step?.fail();
    throw new UserError(
      'CCLOUD_OFFSETS_TIMEOUT',
      `The offsets request for ${name} was not applied within ${Math.round(timeoutMs / 1000)} s.`,
      {
        hint: `It may still be applied; check with \`kcops connect offsets ${name}\` before sending another request.`,
      },
    );
  }

  /** What is sent on create/update: the name Cloud requires, and never a mask in place of a secret. */
  private async outgoing(
    name: string,
    config: Record<string, string>,
    maskAllowed = false,
  ): Promise<Record<string, string>> {
    const masked = Object.entries(config)
      .filter(([, v]) => isMaskedValue(v))
      .map(([k]) => k);
    if (masked.length > 0 && !maskAllowed) {
      throw new UserError(
        'CCLOUD_MASKED_VALUE',
        `Refusing to send masked values for ${masked.join(', ')} of ${name}: Confluent Cloud never returns secrets, so they cannot be restored from what it stored.`,
        {
          hint: 'Apply the configuration from Git instead (its secret references are resolved at apply time), or set cluster.maskedSecretOnUpdate: keep in kcops.yaml if this Cloud keeps stored secrets on a masked update.',
        },
      );
    }
    return { ...(await this.resolveAll(config)), name };
  }
  /** References resolved (secret stores are read over the network, hence async); the values go to Cloud only. */
  private async resolveAll(config: Record<string, string>): Promise<Record<string, string>> {
    const resolve = this.opts.resolveValue;
    const entries = Object.entries(config);
    const values = resolve ? await Promise.all(entries.map(([, v]) => resolve(v))) : entries.map(([, v]) => v);
    // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
    return Object.fromEntries(entries.map(([k], i) => [k, values[i] ?? '']));
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
    const { res } = await this.send({ method, path, ...(o.body === undefined ? {} : { body: o.body }) });
    if (o.allow404 && isServiceNotFound(res)) return undefined;
    this.check(res, method, path);
    return parseBody(res, schema, { method, url: this.base + path, service: 'Confluent Cloud' });
  }

  /** A call whose answer is only its status. */
  private async act(call: Call, o: { allow404?: boolean } = {}): Promise<void> {
    const { res } = await this.send(call);
    if (o.allow404 && isServiceNotFound(res)) return;
    this.check(res, call.method, call.path);
  }

  private check(res: RawResponse, method: Method, path: string): void {
    if (res.status >= 200 && res.status < 300) return;
    throw fromCloudStatus(this.context(method, path), res.status, lenientBody(res));
  }

  /**
   * One logical request through the shared policy (http/policy.ts): 429 waits the Retry-After the server asks for
   * (bounded attempts and a ceiling on the wait); calls safe to repeat also retry 5xx and network failures.
   */
  private async send(call: Call, base = this.base): Promise<{ res: RawResponse }> {
    try {
      return await exchange(
        {
          transport: this.transport,
          bases: [base],
          policy: {
            server: this.opts.serverRetry ?? DEFAULT_SERVER_RETRY,
            rateLimit: this.opts.rateLimit ?? DEFAULT_RATE_LIMIT,
          },
          wait: this.wait,
          onAttempt: () => this.requestCount++,
          onRateLimit: (ms, attempt) => {
            this.rateLimitWaits.push(ms);
            this.opts.reporter?.debug(
              `Confluent Cloud rate limit on ${call.method} ${call.path}: waiting ${ms} ms (retry ${attempt} of ${(this.opts.rateLimit ?? DEFAULT_RATE_LIMIT).attempts - 1})`,
            );
          },
        },
        {
          ...call,
          headers: { authorization: basicAuthHeader({ username: this.opts.apiKey, password: this.opts.apiSecret }) },
        },
      );
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(this.opts.apiEndpoint, e);
      throw e;
    }
  }

  private context(method: string, path: string): CloudErrorContext {
    return {
      method,
      path,
      environmentId: this.opts.environmentId,
      kafkaClusterId: this.opts.kafkaClusterId,
      apiEndpoint: this.opts.apiEndpoint,
      apiKeyId: this.opts.apiKey,
      credentialRef: this.opts.credentialRef,
    };
  }
}

function parseStatus(name: string, s: RawStatus | undefined, type: string | undefined): ConnectorStatus {
  const trace = s?.connector?.trace || s?.error_summary || undefined;
  return {
    name,
    state: s?.connector ? toObservedState(s.connector.state) : 'PROVISIONING',
    workerId: s?.connector?.worker_id,
    trace,
    type: toType(s?.type ?? type),
    tasks: (s?.tasks ?? [])
      .map((t) => ({
        id: t.id,
        state: toObservedState(t.state),
        workerId: t.worker_id,
        trace: t.trace || t.msg || undefined,
      }))
      .sort((a, b) => a.id - b.id),
  };
}

function toType(t: string | undefined): ConnectorType {
  const l = t?.toLowerCase();
  return l === 'source' || l === 'sink' ? l : 'unknown';
}

function stringMap(o: Record<string, unknown> | undefined): Record<string, string> {
  // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
  return Object.fromEntries(
    Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function stopUnsupported(name: string): UserError {
  return new UserError(
    'CCLOUD_UNSUPPORTED',
    `Confluent Cloud connectors cannot be STOPPED (${name}); they can be paused.`,
    {
      hint: 'Use state: PAUSED for this environment; offsets can be altered on Cloud without stopping the connector.',
      exitCode: 2,
    },
  );
}

function alreadyExists(name: string): (res: RawResponse) => UserError | undefined {
  return (res) =>
    (res.status === 400 || res.status === 409) && isAlreadyExists(lenientBody(res))
      ? new UserError('CONNECTOR_EXISTS', `Connector ${name} already exists.`, {
          hint: 'Someone created it since the plan was made; run `kcops plan` again.',
        })
      : undefined;
}

const enc = encodeURIComponent;
