/**
 * The one interface the planner, the executor and the day-2 commands use to talk to a Kafka Connect cluster.
 * Two backends implement it: self-managed (Connect REST) and, later, Confluent Cloud (Connect v1 API). Everything that
 * differs between them and matters to a diff (server-added keys, masked secrets, extra states) is declared by the
 * backend in `traits`, so the pure planner stays backend-agnostic.
 */

/** States a connector can be asked to be in. */
export const TARGET_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/**
 * States a connector or task can be observed in. PROVISIONING, DEGRADED, NONE (no state yet) and DELETED (being
 * deleted) are Confluent Cloud's (connect-v1 document, ConnectorStatus enum); UNKNOWN covers a
 * state string this version of kcops does not know (reported, never guessed).
 */
export type ObservedState =
  TargetState | 'FAILED' | 'UNASSIGNED' | 'RESTARTING' | 'PROVISIONING' | 'DEGRADED' | 'NONE' | 'DELETED' | 'UNKNOWN';

export type ConnectorType = 'source' | 'sink' | 'unknown';

export interface TaskStatus {
  id: number;
  state: ObservedState;
  workerId?: string;
  /** Stack trace or error message of a FAILED task. */
  trace?: string;
}

export interface ConnectorStatus {
  name: string;
  state: ObservedState;
  workerId?: string;
  trace?: string;
  type: ConnectorType;
  tasks: TaskStatus[];
}

/** A connector as the cluster reports it: the stored config (raw, before any normalisation) and its status. */
export interface ActualConnector {
  name: string;
  config: Record<string, string>;
  status: ConnectorStatus;
}

/** The whole cluster, collected at once so a plan sees one consistent picture and costs O(1) requests. */
export interface ClusterSnapshot {
  connectors: ActualConnector[];
  collectedAt: string;
}

/** What a diff must know about a backend's way of storing configs. */
export interface ClusterTraits {
  /** Keys the server adds or manages itself (self-managed: `name`; Cloud: `kafka.endpoint`, `connector.crn`, ...). */
  serverManagedKeys: readonly string[];
  /** True when a stored value is a mask (Cloud returns `****************` for secrets): unknown, never a change. */
  isMasked(value: string): boolean;
  /** Whether `initial_state` on create is supported (Connect 3.5+); otherwise the executor pauses/stops after create. */
  supportsInitialState: boolean;
  /**
   * How a backend that provisions connectors asynchronously (Confluent Cloud) must be waited for after a create or an
   * update; absent for self-managed Connect, whose state is a verdict at once.
   */
  provisioning?: ProvisioningPolicy;
  /**
   * Whether an update that sends a masked value back keeps the stored secret (what the Confluent CLI's update relies
   * on). Only then may a rollback send a mask, and only in an update; otherwise masks are never sent.
   */
  keepsSecretOnMask?: boolean;
}

/**
 * Confluent Cloud's lifecycle as the apply must wait for it (docs/reference/confluent-cloud.md): a new connector stays
 * PROVISIONING for minutes (hours under load), may show FAILED or DEGRADED for a while right after, and an update
 * accepted with 200 can be rejected later, shown only in the status.
 */
export interface ProvisioningPolicy {
  /** How long a new connector may stay PROVISIONING before the apply reports it still pending (never failed). */
  timeoutMs: number;
  /** FAILED/DEGRADED seen within this time after provisioning ended (or after an update) is a flap: keep watching. */
  flapWindowMs: number;
  /** After a config update, how long the connector is watched for a late rejection before the update counts. */
  updateWatchMs: number;
  /** Recognises the status trace of an update the service rejected after accepting it (previous config in effect). */
  isLateRejection(trace: string | undefined): boolean;
}

export interface RestartOptions {
  includeTasks?: boolean;
  onlyFailed?: boolean;
}

export interface PluginInfo {
  class: string;
  type: string;
  version: string;
}

export interface ConfigValidation {
  errorCount: number;
  errors: { key: string; messages: string[] }[];
  /** Per key: the value after the worker applied its config providers (self-managed; compared, never shown). */
  values?: Record<string, string | null>;
}

/** KIP-875 offsets: partition and offset maps as the connector defines them. */
export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

/** One configuration key a plugin declares (`plugins describe`). */
export interface ConfigDefinition {
  name: string;
  type: string;
  required: boolean;
  defaultValue: string | null;
  importance: string;
  documentation: string;
  group: string | null;
}

/** What the cluster says about itself (doctor compares the version with what the repository expects). */
export interface ServerInfo {
  version: string;
  commit?: string;
  kafkaClusterId?: string;
}

/** Who the credential in use is, as the cluster itself says (never as the caller claims). */
export interface ClusterIdentity {
  principal: string;
  /** A readable name beside the id (Confluent Cloud: the service account's name or the user's e-mail). */
  displayName?: string;
  keyId?: string;
  /** Global administrator of the cluster. */
  admin: boolean;
  /** Role per team ('viewer' | 'operator' | 'admin'); '*' is the global one. */
  roles: Record<string, string>;
}

export interface ConnectCluster {
  /** Where it is, for messages and audit records (a URL or an lkc id), never with credentials. */
  readonly id: string;
  /** The id of the credential used (basic-auth user, API key id), for audit records; never the secret. */
  readonly credentialKeyId: string | undefined;
  readonly traits: ClusterTraits;

  /** Every connector with config and status, in as few requests as the backend allows (one for self-managed). */
  collect(): Promise<ClusterSnapshot>;
  /** Undefined when the connector does not exist. */
  status(name: string): Promise<ConnectorStatus | undefined>;

  create(name: string, config: Record<string, string>, initialState?: TargetState): Promise<void>;
  updateConfig(name: string, config: Record<string, string>): Promise<void>;
  delete(name: string): Promise<void>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string, options?: RestartOptions): Promise<void>;
  restartTask(name: string, taskId: number): Promise<void>;

  plugins(): Promise<PluginInfo[]>;
  validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation>;
  getOffsets(name: string): Promise<ConnectorOffset[]>;
  /** The connector must be STOPPED (Connect answers 400 otherwise; the backend turns that into a UserError). */
  alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<void>;
  resetOffsets(name: string): Promise<void>;

  // Day-2 reads (issue 5): describe, plugins describe, doctor.
  serverInfo(): Promise<ServerInfo>;
  /** The stored config; undefined when the connector does not exist. */
  connectorConfig(name: string): Promise<Record<string, string> | undefined>;
  /** Topics the connector used; undefined when the cluster does not track them (topic tracking disabled). */
  connectorTopics(name: string): Promise<string[] | undefined>;
  pluginConfig(pluginClass: string): Promise<ConfigDefinition[]>;

  /**
   * Who the credential in use is, asked of the cluster (self-managed: the kcops access extension's
   * `GET /kcops/whoami`). Undefined when the cluster cannot say (no extension); absent on backends that cannot ask.
   */
  whoami?(): Promise<ClusterIdentity | undefined>;
  close(): Promise<void>;
}

/** Sets a connector to a target state with the matching call. */
export async function setState(cluster: ConnectCluster, name: string, state: TargetState): Promise<void> {
  if (state === 'RUNNING') await cluster.resume(name);
  else if (state === 'PAUSED') await cluster.pause(name);
  else await cluster.stop(name);
}

const KNOWN_STATES = new Set<string>([
  'RUNNING',
  'PAUSED',
  'STOPPED',
  'FAILED',
  'UNASSIGNED',
  'RESTARTING',
  'PROVISIONING',
  'DEGRADED',
  'NONE',
  'DELETED',
]);

export function toObservedState(s: unknown): ObservedState {
  return typeof s === 'string' && KNOWN_STATES.has(s) ? (s as ObservedState) : 'UNKNOWN';
}

export function isTargetState(s: unknown): s is TargetState {
  return typeof s === 'string' && (TARGET_STATES as readonly string[]).includes(s);
}
