import type {
  ActualConnector,
  ClusterIdentity,
  ClusterSnapshot,
  ClusterTraits,
  ConfigDefinition,
  ConfigValidation,
  ConnectCluster,
  ConnectorOffset,
  ConnectorStatus,
  PluginInfo,
  RestartOptions,
  ServerInfo,
  TargetState,
} from '../cluster.js';
import { lenientBody } from '../http/response.js';
import { CloudConnectApi } from './connect-api.js';
import { alreadyExists, stopUnsupported } from './errors.js';
import { CloudIamApi, type CloudRoleBinding } from './iam.js';
import { cloudStoredConfig } from './normalise.js';
import {
  offsetsSchema,
  configMap,
  expandedSchema,
  idsSchema,
  namesSchema,
  pluginsSchema,
  statusSchema,
  validationSchema,
} from './schemas.js';
import { cloudTraits, type ConfluentCloudOptions } from './options.js';
import { requestOffsets } from './offsets.js';
import { outgoingConfig, resolveAll } from './outgoing.js';
import { parseStatus, stringMap } from './status.js';

export type { ConfluentCloudOptions } from './options.js';

/**
 * Confluent Cloud fully-managed connectors over the Connect v1 API (connect-api.ts), addressed by name. What Cloud adds
 * to stored configs (server keys, masked secrets) is declared in `traits` (options.ts) so the planner never shows it
 * as drift; offsets requests (offsets.ts), the config sent (outgoing.ts) and IAM reads (iam.ts) live beside it.
 */
export class ConfluentCloudCluster implements ConnectCluster {
  readonly id: string;
  readonly credentialKeyId: string;
  readonly traits: ClusterTraits;

  private readonly api: CloudConnectApi;
  /** IAM v2, role bindings (mds v2) and org v2 on the same endpoint and key (iam.ts). */
  private readonly iam: CloudIamApi;

  constructor(private readonly opts: ConfluentCloudOptions) {
    this.api = new CloudConnectApi(opts);
    this.id = `${opts.environmentId}/${opts.kafkaClusterId}`;
    this.credentialKeyId = opts.apiKey;
    this.iam = new CloudIamApi(
      {
        get: (path, schema) => this.api.rootGet(path, schema),
        status: (path) => this.api.rootStatus(path),
        context: (method, path) => this.api.context(method, path),
      },
      { environmentId: opts.environmentId, kafkaClusterId: opts.kafkaClusterId },
    );
    this.traits = cloudTraits(opts);
  }

  /** HTTP requests sent, retries included. */
  get requestCount(): number {
    return this.api.requestCount;
  }
  /** Every wait this client made for a 429, in ms (tests and progress messages). */
  get rateLimitWaits(): number[] {
    return this.api.rateLimitWaits;
  }

  // --- connectors

  async collect(): Promise<ClusterSnapshot> {
    // One request for everything, whatever the number of connectors.
    const body = await this.api.read('GET', '/connectors?expand=info,status,id', expandedSchema);
    const connectors: ActualConnector[] = Object.entries(body).map(([name, e]) => ({
      name,
      config: cloudStoredConfig(stringMap(e.info.config)),
      status: parseStatus(name, e.status, e.info.type),
    }));
    connectors.sort((a, b) => a.name.localeCompare(b.name));
    return { connectors, collectedAt: new Date().toISOString() };
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const s = await this.api.read('GET', `/connectors/${enc(name)}/status`, statusSchema, { allow404: true });
    return s === undefined ? undefined : parseStatus(name, s, s.type);
  }

  async connectorConfig(name: string): Promise<Record<string, string> | undefined> {
    const cfg = await this.api.read('GET', `/connectors/${enc(name)}/config`, configMap, { allow404: true });
    return cfg === undefined ? undefined : cloudStoredConfig(stringMap(cfg));
  }

  async connectorTopics(): Promise<string[] | undefined> {
    return undefined; // Cloud exposes no topic tracking.
  }

  async create(name: string, config: Record<string, string>, initialState?: TargetState): Promise<void> {
    if (initialState === 'STOPPED') throw stopUnsupported(name);
    const cfg = await outgoingConfig(name, config, this.opts.resolveValue);
    // POST is not idempotent: after a 5xx or a broken connection Cloud may have created it; never repeated blindly.
    const { res } = await this.api.send({ method: 'POST', path: '/connectors', body: { name, config: cfg } });
    const exists = alreadyExists(name, res.status, lenientBody(res));
    if (exists) throw exists;
    this.api.check(res, 'POST', '/connectors');
    // No wait here: Cloud provisions for minutes to hours. Callers wait as `traits.provisioning` says (the apply waits
    // for all its connectors together, one listing per round); the Confluent CLI's create returns at once too.
    if (initialState === 'PAUSED') await this.pause(name);
  }

  async updateConfig(name: string, config: Record<string, string>): Promise<void> {
    const body = await outgoingConfig(name, config, this.opts.resolveValue, this.opts.keepsSecretOnMask === true);
    await this.api.act({ method: 'PUT', path: `/connectors/${enc(name)}/config`, body });
  }

  async delete(name: string): Promise<void> {
    await this.api.act({ method: 'DELETE', path: `/connectors/${enc(name)}` }, { allow404: true });
  }

  // --- lifecycle

  async pause(name: string): Promise<void> {
    await this.api.act({ method: 'PUT', path: `/connectors/${enc(name)}/pause` });
  }
  async resume(name: string): Promise<void> {
    await this.api.act({ method: 'PUT', path: `/connectors/${enc(name)}/resume` });
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
    await this.api.act({ method: 'POST', path: `/connectors/${enc(name)}/restart` });
  }
  async restartTask(name: string, taskId: number): Promise<void> {
    this.opts.reporter?.warn(
      `Confluent Cloud cannot restart task ${taskId} alone: restarting connector ${name} and all its tasks.`,
    );
    await this.restart(name);
  }

  // --- offsets

  async getOffsets(name: string): Promise<ConnectorOffset[]> {
    const res = await this.api.read('GET', `/connectors/${enc(name)}/offsets`, offsetsSchema);
    return res.offsets;
  }
  async alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<void> {
    await requestOffsets(this.api, this.opts, name, { type: 'PATCH', offsets });
  }
  async resetOffsets(name: string): Promise<void> {
    await requestOffsets(this.api, this.opts, name, { type: 'DELETE' });
  }

  // --- plugins

  async plugins(): Promise<PluginInfo[]> {
    const list = await this.api.read('GET', '/connector-plugins', pluginsSchema);
    return list.map((p) => ({ class: p.class, type: p.type, version: p.version ?? '' }));
  }

  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation> {
    const resolved = await resolveAll(config, this.opts.resolveValue);
    const res = await this.api.read('PUT', `/connector-plugins/${enc(pluginClass)}/config/validate`, validationSchema, {
      body: { ...resolved, 'connector.class': pluginClass },
    });
    const errors = res.configs
      .map((c) => ({ key: c.value?.name ?? c.definition?.name ?? '?', messages: c.value?.errors ?? [] }))
      .filter((e) => e.messages.length > 0);
    return { errorCount: res.error_count ?? errors.length, errors };
  }

  async pluginConfig(pluginClass: string): Promise<ConfigDefinition[]> {
    const res = await this.api.read('PUT', `/connector-plugins/${enc(pluginClass)}/config/validate`, validationSchema, {
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

  // --- cluster, ids and IAM

  async serverInfo(): Promise<ServerInfo> {
    // No version endpoint on Cloud: listing names proves the endpoint, the ids and the key in one cheap call.
    await this.api.read('GET', '/connectors', namesSchema);
    return { version: 'confluent-cloud', kafkaClusterId: this.opts.kafkaClusterId };
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
    const body = await this.api.read('GET', '/connectors?expand=id', idsSchema);
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
  private readonly bindingsOf = new Map<string, Promise<CloudRoleBinding[]>>();
  /** The role bindings of `principal`, read once per client (one command) and principal. */
  principalRoleBindings(principal: string): Promise<CloudRoleBinding[]> {
    let p = this.bindingsOf.get(principal);
    if (!p) {
      p = this.iam.principalRoleBindings(principal);
      this.bindingsOf.set(principal, p);
    }
    return p;
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

  async close(): Promise<void> {
    this.api.close();
  }
}

const enc = encodeURIComponent;
